package dev.previewenv.core;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Registry credentials for an environment's pods: secrets of type {@code
 * kubernetes.io/dockerconfigjson} (what {@code kubectl create secret docker-registry} makes) that
 * {@code up} copies from {@code sourceNamespace} into the environment's namespace, and where they
 * are attached:
 *
 * <ul>
 *   <li>{@link Attach#SERVICE_ACCOUNT} (the default): the {@code imagePullSecrets} of the
 *       namespace's {@code default} ServiceAccount and of every ServiceAccount of the plan, so
 *       every pod of those accounts, the plan's and any started later, pulls with them;
 *   <li>{@link Attach#POD_SPEC}: the {@code imagePullSecrets} of every pod spec of the plan
 *       (Deployments, StatefulSets, Jobs, ..., custom resources included), for pods that run under
 *       ServiceAccounts the plan does not contain;
 *   <li>{@link Attach#BOTH}.
 * </ul>
 *
 * The E2E Job's ServiceAccount ({@link E2eJob}) gets them too. Every source secret must exist and
 * be a registry credential: {@code up} checks that before it creates anything. Names already in a
 * manifest's {@code imagePullSecrets} are kept, never duplicated.
 *
 * @param sourceNamespace where the source secrets live
 * @param names the secret names, the same in the environment's namespace
 * @param attach where they are attached
 */
public record PullSecrets(String sourceNamespace, List<String> names, Attach attach) {
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  /** Where the pull secrets are attached. */
  public enum Attach {
    /** The namespace's {@code default} ServiceAccount and the plan's ServiceAccounts. */
    SERVICE_ACCOUNT,
    /** Every pod spec of the plan. */
    POD_SPEC,
    /** Both. */
    BOTH;

    /**
     * Reads {@code service-account}, {@code pod-spec} or {@code both} (case and {@code -}/{@code _}
     * ignored).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Attach parse(String text) {
      String key =
          text == null ? "" : text.strip().replace("-", "_").toUpperCase(java.util.Locale.ROOT);
      for (Attach a : values()) {
        if (a.name().equals(key)) {
          return a;
        }
      }
      throw new IllegalArgumentException(
          "Pull secret attachment \"" + text + "\" is not one of service-account, pod-spec, both");
    }

    /** Whether ServiceAccounts get the secrets. */
    public boolean serviceAccounts() {
      return this != POD_SPEC;
    }

    /** Whether pod specs get the secrets. */
    public boolean podSpecs() {
      return this != SERVICE_ACCOUNT;
    }
  }

  public PullSecrets {
    Objects.requireNonNull(sourceNamespace, "sourceNamespace");
    Objects.requireNonNull(attach, "attach");
    names = List.copyOf(names);
    if (!DNS_LABEL.matcher(sourceNamespace).matches()) {
      throw new IllegalArgumentException(
          "Pull secret source namespace \""
              + sourceNamespace
              + "\" is not a valid namespace name (lowercase [a-z0-9-], at most 63 characters)");
    }
    if (names.isEmpty()) {
      throw new IllegalArgumentException(
          "PullSecrets from namespace "
              + sourceNamespace
              + " names no secret: pass at least one, e.g. PullSecrets.copy(\""
              + sourceNamespace
              + "\", \"registry-credentials\")");
    }
    for (String n : names) {
      if (n == null || n.length() > 253 || !DNS_SUBDOMAIN.matcher(n).matches()) {
        throw new IllegalArgumentException(
            "Pull secret name \""
                + n
                + "\" (from namespace "
                + sourceNamespace
                + ") is not a valid Kubernetes name: lowercase [a-z0-9-.], at most 253 characters");
      }
    }
    if (names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException(
          "Pull secrets from namespace " + sourceNamespace + " name a secret twice: " + names);
    }
  }

  /** Copies the named secrets from {@code sourceNamespace}, attached to the ServiceAccounts. */
  public static PullSecrets copy(String sourceNamespace, String... names) {
    return new PullSecrets(sourceNamespace, List.of(names), Attach.SERVICE_ACCOUNT);
  }

  /**
   * Reads {@code namespace/name[,namespace/name...]} (one source namespace for all), e.g. {@code
   * shared/registry-credentials}.
   *
   * @throws IllegalArgumentException showing the expected form
   */
  public static PullSecrets parse(String list, Attach attach) {
    String source = null;
    List<String> names = new java.util.ArrayList<>();
    for (String entry : (list == null ? "" : list).split(",")) {
      String e = entry.strip();
      if (e.isEmpty()) {
        continue;
      }
      int slash = e.indexOf('/');
      if (slash <= 0 || slash != e.lastIndexOf('/') || slash == e.length() - 1) {
        throw new IllegalArgumentException(
            "Pull secret \""
                + e
                + "\" must be namespace/name, e.g. shared/registry-credentials (the secret"
                + " PreviewEnv copies into each environment)");
      }
      String ns = e.substring(0, slash);
      if (source != null && !source.equals(ns)) {
        throw new IllegalArgumentException(
            "Pull secrets \""
                + list
                + "\" come from more than one namespace ("
                + source
                + ", "
                + ns
                + "); keep them in one source namespace");
      }
      source = ns;
      names.add(e.substring(slash + 1));
    }
    if (source == null) {
      throw new IllegalArgumentException(
          "No pull secret given: use namespace/name, e.g. shared/registry-credentials");
    }
    return new PullSecrets(source, names, attach);
  }

  /** A copy attached as {@code attach} says. */
  public PullSecrets attachTo(Attach attach) {
    return new PullSecrets(sourceNamespace, names, attach);
  }

  /** {@code namespace/name,...}, the form {@link #parse} reads. */
  @Override
  public String toString() {
    return String.join(",", names.stream().map(n -> sourceNamespace + "/" + n).toList())
        + " ("
        + attach.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
        + ")";
  }
}
