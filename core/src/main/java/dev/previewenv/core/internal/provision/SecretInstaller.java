package dev.previewenv.core.internal.provision;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.retry.Retry;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets the secrets of {@link SecretSpec}s into an environment's namespace. Never reads, logs or
 * reports secret values: data is only passed from the source object to its copy.
 */
public final class SecretInstaller {
  private static final Logger log = LoggerFactory.getLogger(SecretInstaller.class);

  static final String KUBED_SYNC = "kubed.appscode.com/sync";
  static final String REFLECTOR = "reflector.v1.k8s.emberstack.com/";
  static final String REFLECTION_ALLOWED = REFLECTOR + "reflection-allowed";
  static final String REFLECTION_ALLOWED_NAMESPACES = REFLECTOR + "reflection-allowed-namespaces";
  static final String REFLECTION_AUTO_ENABLED = REFLECTOR + "reflection-auto-enabled";
  static final String REFLECTION_AUTO_NAMESPACES = REFLECTOR + "reflection-auto-namespaces";
  static final String REPLICATE_TO_MATCHING = "replicator.v1.mittwald.de/replicate-to-matching";
  private static final List<String> NOT_COPIED_ANNOTATION_PREFIXES =
      List.of(
          "kubectl.kubernetes.io/last-applied-configuration",
          "kubed.appscode.com/",
          REFLECTOR,
          "replicator.v1.mittwald.de/");
  private static final Pattern EQUALITY_TERM =
      Pattern.compile("\\s*([A-Za-z0-9./_-]+)\\s*==?\\s*([A-Za-z0-9._-]*)\\s*");

  private static final int MAX_PARALLEL = 16;

  private final KubernetesClient client;
  private final Retry retry;

  public SecretInstaller(KubernetesClient client) {
    this(client, Retry.defaults());
  }

  /** An installer whose requests are retried as {@code retry} allows. */
  public SecretInstaller(KubernetesClient client, Retry retry) {
    this.client = client;
    this.retry = retry;
  }

  private static Retry.Op op(String verb, String namespace, String name) {
    return new Retry.Op(verb, "", "secrets", namespace, name);
  }

  /** The source secrets, read before anything was created, and the labels the namespace needs. */
  public record Prepared(List<Source> sources, Map<String, String> namespaceLabels) {}

  /** One source secret and how it travels. */
  public record Source(SecretSpec.Strategy strategy, Secret secret) {
    String coordinates() {
      return secret.getMetadata().getNamespace() + "/" + secret.getMetadata().getName();
    }
  }

  /**
   * Reads every source secret and works out the namespace labels the syncing controllers need.
   * Changes nothing.
   *
   * @throws PreviewEnvException listing every missing source secret, or a sync selector that cannot
   *     be satisfied by namespace labels
   */
  public Prepared prepare(String environment, List<SecretSpec> specs) {
    List<Source> sources = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    Map<String, String> labels = new LinkedHashMap<>();
    List<java.util.concurrent.Callable<Secret>> reads = new ArrayList<>();
    for (SecretSpec spec : specs) {
      for (String name : spec.names()) {
        reads.add(
            () ->
                retry.call(
                    op("get", spec.sourceNamespace(), name),
                    () ->
                        client.secrets().inNamespace(spec.sourceNamespace()).withName(name).get()));
      }
    }
    // all source secrets are read at once: one round trip however many there are
    List<Secret> read = Tasks.all("previewenv-secret-read", MAX_PARALLEL, reads);
    int index = 0;
    for (SecretSpec spec : specs) {
      for (String name : spec.names()) {
        Secret s = read.get(index++);
        if (s == null) {
          missing.add(spec.sourceNamespace() + "/" + name + " (" + spec.strategy() + ")");
          continue;
        }
        sources.add(new Source(spec.strategy(), s));
        String selectorKey =
            switch (spec.strategy()) {
              case KUBED -> KUBED_SYNC;
              case REPLICATOR -> REPLICATE_TO_MATCHING;
              default -> null;
            };
        if (selectorKey != null) {
          String existing = annotation(s, selectorKey);
          if (existing != null && !existing.isBlank() && managedEnvironments(existing) == null) {
            Map<String, String> needed = parseEqualitySelector(existing);
            if (needed == null) {
              problems.add(
                  "Secret "
                      + spec.sourceNamespace()
                      + "/"
                      + name
                      + " has "
                      + selectorKey
                      + ": \""
                      + existing
                      + "\", a selector PreviewEnv cannot satisfy with namespace labels (only"
                      + " key=value terms are supported); change it to key=value terms or use"
                      + " SecretSpec.copy(...)");
            } else {
              labels.putAll(needed);
            }
          }
        }
      }
    }
    if (!missing.isEmpty()) {
      throw new PreviewEnvException(
          "Environment "
              + environment
              + " needs source secrets that do not exist: "
              + String.join(", ", missing)
              + ". Nothing was created. Create them (or fix the names in SecretSpec) and run again",
          environment,
          null,
          null);
    }
    if (!problems.isEmpty()) {
      throw new PreviewEnvException(
          "Environment "
              + environment
              + ": "
              + String.join("; ", problems)
              + ". Nothing was created",
          environment,
          null,
          null);
    }
    return new Prepared(List.copyOf(sources), Map.copyOf(labels));
  }

  /**
   * Copies or hands over the prepared secrets, then waits, at most {@code timeout} in total, until
   * the copies made by syncing controllers exist in {@code namespace}.
   */
  public void install(
      String environment, String namespace, Prepared prepared, Applier applier, Duration timeout) {
    List<Source> awaited = new ArrayList<>();
    List<java.util.concurrent.Callable<Void>> sends = new ArrayList<>();
    for (Source source : prepared.sources()) {
      sends.add(
          () -> {
            switch (source.strategy()) {
              case COPY -> copy(environment, namespace, source, applier);
              case KUBED -> markSource(source, s -> selectEnvironment(s, KUBED_SYNC, environment));
              case REPLICATOR ->
                  markSource(source, s -> selectEnvironment(s, REPLICATE_TO_MATCHING, environment));
              case REFLECTOR -> markSource(source, s -> reflectTo(s, namespace));
            }
            return null;
          });
      if (source.strategy() != SecretSpec.Strategy.COPY) {
        awaited.add(source);
      }
    }
    // copies and source annotations go out at once (different objects, no order between them)
    Tasks.all("previewenv-secret-install", MAX_PARALLEL, sends);
    long copied = prepared.sources().size() - awaited.size();
    if (copied > 0) {
      log.info("Copied {} secret(s) into namespace {}", copied, namespace);
    }
    Instant deadline = Instant.now().plus(timeout);
    for (Source source : awaited) {
      String name = source.secret().getMetadata().getName();
      log.debug(
          "Waiting for {} to copy secret {} into namespace {}",
          source.strategy(),
          source.coordinates(),
          namespace);
      try {
        retry.run(
            op("watch", namespace, name),
            () ->
                client
                    .secrets()
                    .inNamespace(namespace)
                    .withName(name)
                    .waitUntilCondition(
                        Objects::nonNull,
                        Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
                        TimeUnit.MILLISECONDS));
      } catch (KubernetesClientTimeoutException e) {
        throw new PreviewEnvException(
            "Secret "
                + name
                + " did not appear in namespace "
                + namespace
                + " within "
                + timeout
                + ": expected "
                + controllerName(source.strategy())
                + " to copy it from "
                + source.coordinates()
                + " (its annotations are set). Check that "
                + controllerName(source.strategy())
                + " runs in the cluster and watches that namespace, or use SecretSpec.copy(\""
                + source.secret().getMetadata().getNamespace()
                + "\", \""
                + name
                + "\")",
            environment,
            "Secret/" + namespace + "/" + name,
            null);
      }
    }
    if (!awaited.isEmpty()) {
      log.info("{} synced secret(s) present in namespace {}", awaited.size(), namespace);
    }
  }

  private static void copy(String environment, String namespace, Source source, Applier applier) {
    try {
      applier.apply(copyOf(source.secret(), environment, namespace));
    } catch (KubernetesClientException e) {
      // requests about secrets are retried and redacted by Retry: the message holds no data
      throw new PreviewEnvException(
          "Could not copy secret "
              + source.coordinates()
              + " into namespace "
              + namespace
              + ": HTTP "
              + e.getCode()
              + (e.getStatus() == null || e.getStatus().getReason() == null
                  ? ""
                  : " " + e.getStatus().getReason())
              + ". Check the client's RBAC rights on secrets in that namespace (or the API"
              + " server's admission webhooks) and run again",
          environment,
          "Secret/" + namespace + "/" + source.secret().getMetadata().getName(),
          e);
    }
  }

  /**
   * The copy of {@code source} for {@code namespace}: type and data kept, server fields dropped.
   */
  static Secret copyOf(Secret source, String environment, String namespace) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (source.getMetadata().getLabels() != null) {
      labels.putAll(source.getMetadata().getLabels());
    }
    labels.putAll(Keys.labels(environment));
    Map<String, String> annotations = new LinkedHashMap<>();
    if (source.getMetadata().getAnnotations() != null) {
      source
          .getMetadata()
          .getAnnotations()
          .forEach(
              (k, v) -> {
                if (NOT_COPIED_ANNOTATION_PREFIXES.stream().noneMatch(k::startsWith)) {
                  annotations.put(k, v);
                }
              });
    }
    annotations.put(
        Keys.COPIED_FROM,
        source.getMetadata().getNamespace() + "/" + source.getMetadata().getName());
    return new SecretBuilder()
        .withNewMetadata()
        .withName(source.getMetadata().getName())
        .withNamespace(namespace)
        .withLabels(labels)
        .withAnnotations(annotations)
        .endMetadata()
        .withType(source.getType())
        .withImmutable(source.getImmutable())
        .withData(source.getData())
        .withStringData(source.getStringData())
        .build();
  }

  private void markSource(Source source, java.util.function.Consumer<Secret> change) {
    Secret s = source.secret();
    retry.run(
        op("patch", s.getMetadata().getNamespace(), s.getMetadata().getName()),
        () ->
            client
                .secrets()
                .inNamespace(s.getMetadata().getNamespace())
                .withName(s.getMetadata().getName())
                .edit(
                    current -> {
                      change.accept(current);
                      return current;
                    }));
    log.debug("Annotated source secret {} for {}", source.coordinates(), source.strategy());
  }

  /** The selector PreviewEnv manages on a kubed/replicator source: these environments only. */
  static final String ENV_SELECTOR_PREFIX = Keys.ENVIRONMENT + " in (";

  /** The namespace annotation recording the hand-offs of {@code prepared} (empty: none). */
  public static Map<String, String> handoffAnnotation(Prepared prepared) {
    List<String> entries = new ArrayList<>();
    for (Source src : prepared.sources()) {
      if (src.strategy() != SecretSpec.Strategy.COPY) {
        entries.add(src.strategy() + ":" + src.coordinates());
      }
    }
    return entries.isEmpty() ? Map.of() : Map.of(Keys.HANDOFFS, String.join(",", entries));
  }

  /**
   * Undoes the hand-offs recorded on {@code ns} (before it is deleted): the environment's namespace
   * leaves each Reflector list PreviewEnv put it on, and each kubed/replicator selector PreviewEnv
   * manages. A source that is gone, or whose annotations someone else owns, is left alone.
   */
  public void release(io.fabric8.kubernetes.api.model.Namespace ns) {
    Map<String, String> a = ns.getMetadata().getAnnotations();
    String recorded = a == null ? null : a.get(Keys.HANDOFFS);
    if (recorded == null || recorded.isBlank()) {
      return;
    }
    String namespace = ns.getMetadata().getName();
    String environment = ns.getMetadata().getLabels().getOrDefault(Keys.ENVIRONMENT, namespace);
    for (String entry : recorded.split(",")) {
      int colon = entry.indexOf(':');
      int slash = entry.indexOf('/');
      if (colon < 0 || slash < colon) {
        continue;
      }
      String strategy = entry.substring(0, colon).strip();
      String srcNs = entry.substring(colon + 1, slash).strip();
      String name = entry.substring(slash + 1).strip();
      java.util.function.Consumer<Secret> undo =
          switch (strategy) {
            case "REFLECTOR" -> sec -> unreflect(sec, namespace);
            case "KUBED" -> sec -> unselectEnvironment(sec, KUBED_SYNC, environment);
            case "REPLICATOR" ->
                sec -> unselectEnvironment(sec, REPLICATE_TO_MATCHING, environment);
            default -> null;
          };
      if (undo == null) {
        continue;
      }
      try {
        retry.run(
            op("patch", srcNs, name),
            () -> {
              if (client.secrets().inNamespace(srcNs).withName(name).get() == null) {
                return;
              }
              client
                  .secrets()
                  .inNamespace(srcNs)
                  .withName(name)
                  .edit(
                      current -> {
                        undo.accept(current);
                        return current;
                      });
            });
        log.debug("Removed environment {} from the hand-off of {}/{}", environment, srcNs, name);
      } catch (RuntimeException e) {
        log.warn(
            "Could not remove environment {} from the {} hand-off of secret {}/{}: {}. Remove it"
                + " from the secret's annotations by hand",
            environment,
            strategy,
            srcNs,
            name,
            e.getMessage());
      }
    }
  }

  /** Adds {@code environment} to the selector PreviewEnv manages; a user's selector stays. */
  static void selectEnvironment(Secret s, String key, String environment) {
    Map<String, String> a = annotations(s);
    String existing = a.get(key);
    if (existing == null || existing.isBlank()) {
      a.put(key, ENV_SELECTOR_PREFIX + environment + ")");
      return;
    }
    List<String> envs = managedEnvironments(existing);
    if (envs != null && !envs.contains(environment)) {
      List<String> next = new ArrayList<>(envs);
      next.add(environment);
      a.put(key, ENV_SELECTOR_PREFIX + String.join(",", next) + ")");
    }
  }

  static void unselectEnvironment(Secret s, String key, String environment) {
    Map<String, String> a = annotations(s);
    List<String> envs = managedEnvironments(a.get(key));
    if (envs == null || !envs.contains(environment)) {
      return;
    }
    List<String> next = new ArrayList<>(envs);
    next.remove(environment);
    if (next.isEmpty()) {
      a.remove(key);
    } else {
      a.put(key, ENV_SELECTOR_PREFIX + String.join(",", next) + ")");
    }
  }

  /** The environments of a selector PreviewEnv manages, or {@code null} when it is not one. */
  static List<String> managedEnvironments(String selector) {
    if (selector == null) {
      return null;
    }
    String t = selector.strip();
    if (!t.startsWith(ENV_SELECTOR_PREFIX) || !t.endsWith(")")) {
      return null;
    }
    return Arrays.stream(t.substring(ENV_SELECTOR_PREFIX.length(), t.length() - 1).split(","))
        .map(String::strip)
        .filter(e -> !e.isEmpty())
        .toList();
  }

  /**
   * Takes {@code namespace} off the Reflector lists; a list left empty would mean "all namespaces",
   * so then reflection is switched off and the lists removed.
   */
  static void unreflect(Secret s, String namespace) {
    Map<String, String> a = annotations(s);
    boolean emptied = false;
    for (String key : List.of(REFLECTION_ALLOWED_NAMESPACES, REFLECTION_AUTO_NAMESPACES)) {
      String list = a.get(key);
      if (list == null) {
        continue;
      }
      List<String> rest =
          Arrays.stream(list.split(","))
              .map(String::strip)
              .filter(e -> !e.isEmpty() && !e.equals(namespace))
              .toList();
      if (rest.isEmpty()) {
        a.remove(key);
        emptied = true;
      } else {
        a.put(key, String.join(",", rest));
      }
    }
    if (emptied) {
      a.put(REFLECTION_ALLOWED, "false");
      a.put(REFLECTION_AUTO_ENABLED, "false");
    }
  }

  private static void reflectTo(Secret s, String namespace) {
    Map<String, String> a = annotations(s);
    boolean wasAllowed = "true".equalsIgnoreCase(a.get(REFLECTION_ALLOWED));
    boolean wasAuto = "true".equalsIgnoreCase(a.get(REFLECTION_AUTO_ENABLED));
    a.put(REFLECTION_ALLOWED, "true");
    a.put(REFLECTION_AUTO_ENABLED, "true");
    String allowed = addNamespace(a.get(REFLECTION_ALLOWED_NAMESPACES), namespace, wasAllowed);
    if (allowed != null) {
      a.put(REFLECTION_ALLOWED_NAMESPACES, allowed);
    }
    String auto = addNamespace(a.get(REFLECTION_AUTO_NAMESPACES), namespace, wasAuto);
    if (auto != null) {
      a.put(REFLECTION_AUTO_NAMESPACES, auto);
    }
  }

  /**
   * Adds {@code namespace} to a Reflector namespace list unless an entry (name or regular
   * expression) already matches it; a blank list of an already enabled source means "all" and is
   * kept.
   *
   * @return the new list, or {@code null} to leave the annotation as it is
   */
  static String addNamespace(String list, String namespace, boolean alreadyEnabled) {
    if (list == null || list.isBlank()) {
      return alreadyEnabled ? null : namespace;
    }
    List<String> entries =
        Arrays.stream(list.split(",")).map(String::strip).filter(e -> !e.isEmpty()).toList();
    for (String entry : entries) {
      if (entry.equals(namespace)) {
        return list;
      }
      try {
        if (Pattern.matches(entry, namespace)) {
          return list;
        }
      } catch (PatternSyntaxException e) {
        // a plain name that is not a valid pattern: compared literally above
      }
    }
    List<String> result = new ArrayList<>(entries);
    result.add(namespace);
    return String.join(",", result);
  }

  /** {@code a=b,c==d} as a map, or {@code null} when it has set-based or negated terms. */
  static Map<String, String> parseEqualitySelector(String selector) {
    Map<String, String> result = new LinkedHashMap<>();
    for (String term : selector.split(",")) {
      if (term.contains("!=")) {
        return null;
      }
      var m = EQUALITY_TERM.matcher(term);
      if (!m.matches()) {
        return null;
      }
      result.put(m.group(1), m.group(2));
    }
    return result;
  }

  private static String controllerName(SecretSpec.Strategy strategy) {
    return switch (strategy) {
      case KUBED -> "kubed/config-syncer";
      case REFLECTOR -> "Reflector";
      case REPLICATOR -> "kubernetes-replicator";
      case COPY -> "PreviewEnv";
    };
  }

  private static String annotation(Secret s, String key) {
    return s.getMetadata().getAnnotations() == null
        ? null
        : s.getMetadata().getAnnotations().get(key);
  }

  private static Map<String, String> annotations(Secret s) {
    if (s.getMetadata().getAnnotations() == null) {
      s.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    return s.getMetadata().getAnnotations();
  }
}
