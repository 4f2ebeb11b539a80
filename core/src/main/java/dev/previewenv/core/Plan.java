package dev.previewenv.core;

import dev.previewenv.core.internal.transform.ImageTransform;
import dev.previewenv.core.internal.transform.IngressHostTransform;
import dev.previewenv.core.internal.transform.LabelTransform;
import dev.previewenv.core.internal.transform.NamespaceTransform;
import dev.previewenv.core.internal.transform.Outcome;
import dev.previewenv.core.internal.transform.Pipeline;
import dev.previewenv.core.internal.transform.ProtectionTransform;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated, transformed set of objects for one environment, ready to provision. A plan is only
 * made once every object passed every check, so provisioning a plan never starts with bad input.
 *
 * <p>The objects belong to the plan: do not change them.
 *
 * <p>Make a plan with {@link #builder(EnvironmentName)}:
 *
 * <pre>{@code
 * Plan plan = Plan.builder(EnvironmentName.forBranch("feature/login"))
 *     .source(ManifestSource.objects(deployment, service, ingress))
 *     .image("api=registry.example.com:5000/team/api:sha-1f2e")
 *     .protect("pgadmin")
 *     .authHost("auth.example.com")
 *     .build();
 * }</pre>
 */
public final class Plan {
  private static final Logger log = LoggerFactory.getLogger(Plan.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final EnvironmentName environment;
  private final List<HasMetadata> objects;
  private final List<Route> routes;
  private final List<String> warnings;

  Plan(
      EnvironmentName environment,
      List<HasMetadata> objects,
      List<Route> routes,
      List<String> warnings) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.objects = List.copyOf(objects);
    this.routes = List.copyOf(routes);
    this.warnings = List.copyOf(warnings);
  }

  /** The environment this plan is for. */
  public EnvironmentName environment() {
    return environment;
  }

  /** The namespace every namespaced object is placed in: the environment name. */
  public String namespace() {
    return environment.value();
  }

  /** The objects to apply, in a deterministic order. */
  public List<HasMetadata> objects() {
    return objects;
  }

  /** The ingress routes with their rewritten hosts. */
  public List<Route> routes() {
    return routes;
  }

  /** Things worth knowing that did not stop the plan, e.g. an image override matching nothing. */
  public List<String> warnings() {
    return warnings;
  }

  /** The plan's objects as one multi-document YAML stream, for inspection. */
  public String toYaml() {
    StringBuilder sb = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = SERIALIZATION.asYaml(o);
      if (!doc.startsWith("---")) {
        sb.append("---\n");
      }
      sb.append(doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /**
   * Like {@link #toYaml()}, for printing (the CLI's {@code plan}, logs): Secret {@code data}/{@code
   * stringData} values and literal values of credential-like env variables are replaced by {@code
   * <redacted>}.
   */
  @SuppressWarnings("unchecked")
  public String toRedactedYaml() {
    StringBuilder sb = new StringBuilder();
    for (HasMetadata o : objects) {
      Map<String, Object> tree = SERIALIZATION.unmarshal(SERIALIZATION.asJson(o), Map.class);
      dev.previewenv.core.internal.diagnostics.DiagnosticsWriter.redact(o.getKind(), tree);
      String doc = SERIALIZATION.asYaml(tree);
      if (!doc.startsWith("---")) {
        sb.append("---\n");
      }
      sb.append(doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  /** A builder of a plan for this environment, with no sources and default settings. */
  public static Builder builder(EnvironmentName environment) {
    return new Builder(Objects.requireNonNull(environment, "environment"));
  }

  /**
   * An immutable builder of a {@link Plan}: every method returns a new builder and leaves this one
   * unchanged, so a builder can be shared and specialised. {@link #build()} loads the sources and
   * runs, in this order: namespace, image overrides, ingress hosts and external-dns annotations,
   * OAuth2 Proxy protection, labels; then validates the whole plan. Every problem of every stage is
   * reported together in one {@link InvalidPlanException}.
   *
   * <p>Defaults: host format {@code {env}.{host}}; no external-dns TTL; no protection;
   * cluster-scoped objects refused; objects naming another namespace refused; an image override
   * that matches nothing is a warning.
   */
  public static final class Builder {
    private final EnvironmentName environment;
    private List<ManifestSource> sources = List.of();
    private List<ImageOverride> images = List.of();
    private String hostFormat = IngressHostTransform.DEFAULT_FORMAT;
    private Duration externalDnsTtl;
    private Set<String> protectedNames = Set.of();
    private List<Map<String, String>> protectedLabels = List.of();
    private String authHost;
    private boolean allowClusterScoped;
    private Set<String> clusterScopedKinds = Set.of();
    private boolean overrideNamespace;
    private boolean strictImages;

    private Builder(EnvironmentName environment) {
      this.environment = environment;
    }

    private Builder copy() {
      Builder b = new Builder(environment);
      b.sources = sources;
      b.images = images;
      b.hostFormat = hostFormat;
      b.externalDnsTtl = externalDnsTtl;
      b.protectedNames = protectedNames;
      b.protectedLabels = protectedLabels;
      b.authHost = authHost;
      b.allowClusterScoped = allowClusterScoped;
      b.clusterScopedKinds = clusterScopedKinds;
      b.overrideNamespace = overrideNamespace;
      b.strictImages = strictImages;
      return b;
    }

    /** Adds manifest sources, loaded in the order given, after those added before. */
    public Builder source(ManifestSource... sources) {
      Builder b = copy();
      List<ManifestSource> next = new ArrayList<>(this.sources);
      for (ManifestSource s : sources) {
        next.add(Objects.requireNonNull(s, "source"));
      }
      b.sources = List.copyOf(next);
      return b;
    }

    /**
     * Adds an image override in {@code kustomize edit set image} syntax, e.g. {@code
     * api=registry.example.com:5000/team/api:sha-1f2e}; see {@link ImageOverride}.
     *
     * @throws IllegalArgumentException when the syntax is wrong
     */
    public Builder image(String setImage) {
      return image(ImageOverride.parse(setImage));
    }

    /** Adds an image override. Overrides apply in the order added. */
    public Builder image(ImageOverride override) {
      Builder b = copy();
      List<ImageOverride> next = new ArrayList<>(images);
      next.add(Objects.requireNonNull(override, "override"));
      b.images = List.copyOf(next);
      return b;
    }

    /**
     * Adds image overrides in {@code kustomize edit set image} syntax.
     *
     * @throws IllegalArgumentException listing every entry with wrong syntax
     */
    public Builder images(Collection<String> setImages) {
      List<ImageOverride> parsed = new ArrayList<>();
      List<String> errors = new ArrayList<>();
      for (String s : setImages) {
        try {
          parsed.add(ImageOverride.parse(s));
        } catch (IllegalArgumentException e) {
          errors.add(e.getMessage());
        }
      }
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException(String.join(System.lineSeparator(), errors));
      }
      Builder b = this;
      for (ImageOverride o : parsed) {
        b = b.image(o);
      }
      return b;
    }

    /**
     * The format of rewritten ingress hosts, with placeholders {@code {env}} and {@code {host}}:
     * {@code {env}.{host}} (the default) or {@code {env}-{host}} for wildcard certificates that
     * cover one label.
     *
     * @throws IllegalArgumentException when a placeholder is missing or unknown
     */
    public Builder hostFormat(String format) {
      IngressHostTransform.checkFormat(Objects.requireNonNull(format, "format"));
      Builder b = copy();
      b.hostFormat = format;
      return b;
    }

    /**
     * Sets {@code external-dns.alpha.kubernetes.io/ttl} on every ingress with hosts.
     *
     * @param ttl whole seconds, at least one
     * @throws IllegalArgumentException when the TTL is not whole seconds of at least one
     */
    public Builder externalDnsTtl(Duration ttl) {
      new IngressHostTransform(environment.value(), hostFormat, Objects.requireNonNull(ttl));
      Builder b = copy();
      b.externalDnsTtl = ttl;
      return b;
    }

    /**
     * Protects the ingresses of these names with OAuth2 Proxy; each name must match an ingress of
     * the plan, or {@link #build()} fails.
     */
    public Builder protect(String... ingressNames) {
      Builder b = copy();
      Set<String> next = new LinkedHashSet<>(protectedNames);
      for (String n : ingressNames) {
        next.add(Objects.requireNonNull(n, "ingress name"));
      }
      b.protectedNames = Set.copyOf(next);
      return b;
    }

    /**
     * Protects the ingresses carrying all these labels with OAuth2 Proxy; the selector must match
     * an ingress of the plan, or {@link #build()} fails.
     *
     * @throws IllegalArgumentException when the selector is empty
     */
    public Builder protectLabelled(Map<String, String> labels) {
      if (labels.isEmpty()) {
        throw new IllegalArgumentException(
            "An empty label selector would protect every ingress; use protect(names) or give"
                + " labels, e.g. Map.of(\"previewenv.dev/protect\", \"true\")");
      }
      Builder b = copy();
      List<Map<String, String>> next = new ArrayList<>(protectedLabels);
      next.add(Map.copyOf(new LinkedHashMap<>(labels)));
      b.protectedLabels = List.copyOf(next);
      return b;
    }

    /**
     * The host of the central OAuth2 Proxy, e.g. {@code auth.example.com}: protected ingresses
     * authenticate at {@code https://<authHost>/oauth2/auth}.
     *
     * @throws IllegalArgumentException when it is not a host name with optional port
     */
    public Builder authHost(String host) {
      new ProtectionTransform(Set.of(), List.of(), Objects.requireNonNull(host, "host"));
      Builder b = copy();
      b.authHost = host;
      return b;
    }

    /** Whether cluster-scoped objects are accepted (and applied unchanged) instead of refused. */
    public Builder allowClusterScoped(boolean allow) {
      Builder b = copy();
      b.allowClusterScoped = allow;
      return b;
    }

    /**
     * Declares kinds of cluster-scoped custom resources (e.g. {@code ClusterPolicy}), in addition
     * to the kinds Kubernetes itself makes cluster-scoped.
     */
    public Builder clusterScopedKinds(String... kinds) {
      Builder b = copy();
      Set<String> next = new LinkedHashSet<>(clusterScopedKinds);
      next.addAll(List.of(kinds));
      b.clusterScopedKinds = Set.copyOf(next);
      return b;
    }

    /** Whether objects that name another namespace are moved instead of refused. */
    public Builder overrideNamespace(boolean override) {
      Builder b = copy();
      b.overrideNamespace = override;
      return b;
    }

    /** Whether an image override that matches no container fails the build (default: warning). */
    public Builder strictImages(boolean strict) {
      Builder b = copy();
      b.strictImages = strict;
      return b;
    }

    /**
     * Loads every source, transforms and validates.
     *
     * @throws InvalidPlanException listing every problem found in every source and stage
     */
    public Plan build() {
      String env = environment.value();
      List<String> problems = new ArrayList<>();
      Set<String> overridden = new LinkedHashSet<>();
      for (ImageOverride o : images) {
        if (!overridden.add(o.name())) {
          problems.add(
              "image \""
                  + o.name()
                  + "\" is overridden more than once ("
                  + images.stream().filter(i -> i.name().equals(o.name())).toList()
                  + "); keep one override per image name");
        }
      }
      Pipeline pipeline =
          new Pipeline(
              new NamespaceTransform(
                  env, clusterScopedKinds, allowClusterScoped, overrideNamespace),
              new ImageTransform(images, strictImages),
              new IngressHostTransform(env, hostFormat, externalDnsTtl),
              new ProtectionTransform(protectedNames, protectedLabels, authHost),
              new LabelTransform(env));
      Outcome outcome = pipeline.run(sources);
      problems.addAll(outcome.problems());
      if (!problems.isEmpty()) {
        throw new InvalidPlanException(
            "The plan for environment "
                + env
                + " has "
                + problems.size()
                + (problems.size() == 1 ? " problem" : " problems")
                + "; nothing was sent to the cluster. Fix them and try again:",
            problems);
      }
      log.info(
          "Plan for environment {}: {} objects, {} routes, {} warnings",
          env,
          outcome.objects().size(),
          outcome.routes().size(),
          outcome.warnings().size());
      return new Plan(environment, outcome.objects(), outcome.routes(), outcome.warnings());
    }
  }
}
