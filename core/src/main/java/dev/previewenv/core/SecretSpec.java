package dev.previewenv.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Secrets an environment needs from elsewhere in the cluster (registry credentials, TLS
 * certificates), and how they get into its namespace. Every source secret must exist: {@code up}
 * checks all of them before it creates anything.
 *
 * <ul>
 *   <li>{@link #copy}: PreviewEnv copies the secrets (type and data kept; annotation {@code
 *       previewenv.dev/copied-from=<namespace>/<name>}).
 *   <li>{@link #kubed}: kubed/config-syncer copies them. The source gets {@code
 *       kubed.appscode.com/sync: previewenv.dev/environment in (<env>,...)}: the environments that
 *       asked for it and no other namespace (each is added at {@code up} and removed at teardown);
 *       a selector of someone else already there is honoured by labelling the namespace with it.
 *   <li>{@link #reflector}: Reflector copies them. The source gets {@code
 *       reflector.v1.k8s.emberstack.com/reflection-allowed: "true"} and {@code
 *       reflection-auto-enabled: "true"}; the namespace is added to {@code
 *       reflection-allowed-namespaces} and {@code reflection-auto-namespaces} unless an entry (a
 *       name or a regular expression) already matches it. Entries of others are kept; a list left
 *       empty by an owner who already enabled reflection (meaning "all namespaces") is kept as is.
 *       The entries PreviewEnv added are removed at teardown (and by the janitor); a list left
 *       empty then switches reflection off rather than meaning "all namespaces".
 *   <li>{@link #replicator}: kubernetes-replicator copies them, with the same per-environment
 *       selector as kubed on {@code replicator.v1.mittwald.de/replicate-to-matching}.
 * </ul>
 *
 * For the last three, {@code up} waits (bounded) until the copies exist in the namespace.
 *
 * @param strategy how the secrets get into the namespace
 * @param sourceNamespace where the source secrets live
 * @param names the secret names, the same in the environment's namespace
 */
public record SecretSpec(Strategy strategy, String sourceNamespace, List<String> names) {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** The four ways of getting a secret into the namespace. */
  public enum Strategy {
    COPY,
    KUBED,
    REFLECTOR,
    REPLICATOR
  }

  public SecretSpec {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(sourceNamespace, "sourceNamespace");
    names = List.copyOf(names);
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "SecretSpec for namespace " + sourceNamespace + " names no secret: pass at least one");
    }
    for (String n : names) {
      if (n.length() > 253 || !DNS_SUBDOMAIN.matcher(n).matches()) {
        throw new IllegalArgumentException(
            "Secret name \""
                + n
                + "\" (from namespace "
                + sourceNamespace
                + ") is not a valid Kubernetes name: lowercase [a-z0-9-.], at most 253 characters");
      }
    }
  }

  private static final Pattern ENTRY = Pattern.compile("([a-z]+):([^/\\s]+)/([^/\\s]+)");

  /**
   * Parses the settings form {@code <strategy>:<source namespace>/<name>}, e.g. {@code
   * copy:shared/registry-credentials}; strategies {@code copy}, {@code kubed}, {@code reflector},
   * {@code replicator}. Used by the JUnit extension, the CLI and the Maven plugin alike.
   *
   * @throws IllegalArgumentException naming the entry and the expected form
   */
  public static SecretSpec parse(String entry) {
    java.util.regex.Matcher m = ENTRY.matcher(entry == null ? "" : entry.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "secret \""
              + entry
              + "\" is not <strategy>:<source namespace>/<name>, e.g."
              + " \"copy:shared/registry-credentials\" (strategies: copy, kubed, reflector,"
              + " replicator)");
    }
    String ns = m.group(2);
    String name = m.group(3);
    return switch (m.group(1)) {
      case "copy" -> copy(ns, name);
      case "kubed" -> kubed(ns, name);
      case "reflector" -> reflector(ns, name);
      case "replicator" -> replicator(ns, name);
      default ->
          throw new IllegalArgumentException(
              "secret \""
                  + entry
                  + "\" has the unknown strategy \""
                  + m.group(1)
                  + "\": use copy, kubed, reflector or replicator");
    };
  }

  /** PreviewEnv copies the named secrets from {@code sourceNamespace}. */
  public static SecretSpec copy(String sourceNamespace, String... names) {
    return new SecretSpec(Strategy.COPY, sourceNamespace, List.of(names));
  }

  /** kubed/config-syncer copies the named secrets from {@code sourceNamespace}. */
  public static SecretSpec kubed(String sourceNamespace, String... names) {
    return new SecretSpec(Strategy.KUBED, sourceNamespace, List.of(names));
  }

  /** Reflector copies the named secrets from {@code sourceNamespace}. */
  public static SecretSpec reflector(String sourceNamespace, String... names) {
    return new SecretSpec(Strategy.REFLECTOR, sourceNamespace, List.of(names));
  }

  /** kubernetes-replicator copies the named secrets from {@code sourceNamespace}. */
  public static SecretSpec replicator(String sourceNamespace, String... names) {
    return new SecretSpec(Strategy.REPLICATOR, sourceNamespace, List.of(names));
  }
}
