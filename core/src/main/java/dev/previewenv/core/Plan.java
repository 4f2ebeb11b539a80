package dev.previewenv.core;

import dev.previewenv.core.internal.Tasks;
import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.registry.RegistryClient;
import dev.previewenv.core.internal.seed.SeedDeclarations;
import dev.previewenv.core.internal.transform.HostChecks;
import dev.previewenv.core.internal.transform.ImageTransform;
import dev.previewenv.core.internal.transform.IngressHostTransform;
import dev.previewenv.core.internal.transform.LabelTransform;
import dev.previewenv.core.internal.transform.NamespaceTransform;
import dev.previewenv.core.internal.transform.Outcome;
import dev.previewenv.core.internal.transform.Pipeline;
import dev.previewenv.core.internal.transform.ProtectionTransform;
import dev.previewenv.core.internal.transform.PullSecretTransform;
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
import java.util.Optional;
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
  /**
   * Annotation declaring the phase an object belongs to: {@value}. Its one value is {@link
   * #SEED_PHASE}, on a {@code batch/v1} Job that seeds the environment's data; any other value, or
   * the annotation on another kind, makes {@link Builder#build()} fail naming the source, the
   * object and the annotation.
   */
  public static final String PHASE_ANNOTATION = Keys.PHASE;

  /**
   * The value {@value} of {@link #PHASE_ANNOTATION}: the Job is a seed step; see {@link #seeds()}.
   */
  public static final String SEED_PHASE = SeedDeclarations.SEED;

  /**
   * Seed Job annotation {@value}: the workloads it waits for, as {@code Kind/name} comma separated
   * (e.g. {@code StatefulSet/postgres}); each must be in the plan. Default: every workload of the
   * plan that is not a seed, and the readiness checks.
   */
  public static final String SEED_AFTER_ANNOTATION = Keys.SEED_AFTER;

  /**
   * Seed Job annotation {@value}: an integer ordering the seeds (default 0); lower weights run
   * first, seeds of one weight at once. A Helm {@code post-install} hook's {@code
   * helm.sh/hook-weight} becomes its seed weight.
   */
  public static final String SEED_WEIGHT_ANNOTATION = Keys.SEED_WEIGHT;

  private static final Logger log = LoggerFactory.getLogger(Plan.class);
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final EnvironmentName environment;
  private final List<HasMetadata> objects;
  private final List<Route> routes;
  private final List<String> warnings;
  private final PullSecrets pullSecrets;
  private final Map<String, String> pinnedImages;
  private final boolean strictHosts;

  Plan(
      EnvironmentName environment,
      List<HasMetadata> objects,
      List<Route> routes,
      List<String> warnings) {
    this(environment, objects, routes, warnings, null, Map.of(), false);
  }

  Plan(
      EnvironmentName environment,
      List<HasMetadata> objects,
      List<Route> routes,
      List<String> warnings,
      PullSecrets pullSecrets,
      Map<String, String> pinnedImages,
      boolean strictHosts) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.objects = List.copyOf(objects);
    this.routes = List.copyOf(routes);
    this.warnings = List.copyOf(warnings);
    this.pullSecrets = pullSecrets;
    this.pinnedImages = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(pinnedImages));
    this.strictHosts = strictHosts;
  }

  /** Whether host check findings (TLS, login) are errors rather than warnings. */
  boolean strictHosts() {
    return strictHosts;
  }

  /** The environment this plan is for. */
  public EnvironmentName environment() {
    return environment;
  }

  /** The namespace every namespaced object is placed in: the environment name. */
  public String namespace() {
    return environment.value();
  }

  /**
   * The objects to apply, in a deterministic order, the {@linkplain #seeds() seed Jobs} included
   * (which {@link Provisioner#up} applies later than the rest).
   */
  public List<HasMetadata> objects() {
    return objects;
  }

  /**
   * The seed Jobs among {@link #objects()}: the Jobs annotated {@code previewenv.dev/phase: seed}
   * (and the {@code post-install} Jobs of Helm charts, see {@link HelmChart.Hooks#SEED}). {@link
   * Provisioner#up} applies them only after the workloads they depend on ({@value
   * #SEED_AFTER_ANNOTATION}; default all the others) are ready, in the order of their {@value
   * #SEED_WEIGHT_ANNOTATION}, waits until each completes and fails, naming the Job and its last log
   * lines, when one fails. A seed that completed is recorded on the namespace and not run again for
   * the same environment unless its Job as planned changes or {@link Provisioner#withReseed} asks.
   */
  public List<HasMetadata> seeds() {
    return SeedDeclarations.seeds(objects);
  }

  /** The ingress routes with their rewritten hosts. */
  public List<Route> routes() {
    return routes;
  }

  /** Things worth knowing that did not stop the plan, e.g. an image override matching nothing. */
  public List<String> warnings() {
    return warnings;
  }

  /**
   * The registry credentials {@code up} copies into the namespace and attaches to its pods (and to
   * the E2E Job's ServiceAccount), if any.
   */
  public Optional<PullSecrets> pullSecrets() {
    return Optional.ofNullable(pullSecrets);
  }

  /**
   * With {@link Builder#pinDigests}: every overridden image as tagged ({@code registry/name:tag})
   * and the digest it was resolved to ({@code sha256:...}), in override order; the objects run
   * {@code registry/name:tag@sha256:...}. Empty when digests are not pinned.
   */
  public Map<String, String> pinnedImages() {
    return pinnedImages;
  }

  /**
   * The plan's objects as one multi-document YAML stream, for inspection, with every Secret {@code
   * data}/{@code stringData} value replaced by {@code <redacted>} (the keys stay).
   */
  public String toYaml() {
    StringBuilder sb = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = SERIALIZATION.asYaml(redacted(o));
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
   * A Secret with every {@code data}/{@code stringData} value replaced; other objects as they are.
   */
  private static HasMetadata redacted(HasMetadata o) {
    if (o instanceof io.fabric8.kubernetes.api.model.Secret s) {
      io.fabric8.kubernetes.api.model.Secret copy =
          new io.fabric8.kubernetes.api.model.SecretBuilder(s).build();
      if (copy.getData() != null) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>(copy.getData());
        d.replaceAll((k, v) -> dev.previewenv.core.internal.SecretValues.REDACTED);
        copy.setData(d);
      }
      if (copy.getStringData() != null) {
        java.util.Map<String, String> d = new java.util.LinkedHashMap<>(copy.getStringData());
        d.replaceAll((k, v) -> dev.previewenv.core.internal.SecretValues.REDACTED);
        copy.setStringData(d);
      }
      return copy;
    }
    if (o instanceof io.fabric8.kubernetes.api.model.GenericKubernetesResource g
        && "Secret".equals(g.getKind())) {
      io.fabric8.kubernetes.api.model.GenericKubernetesResource copy =
          SERIALIZATION.unmarshal(
              SERIALIZATION.asJson(g),
              io.fabric8.kubernetes.api.model.GenericKubernetesResource.class);
      for (String field : new String[] {"data", "stringData"}) {
        if (copy.getAdditionalProperties().get(field) instanceof java.util.Map<?, ?> m) {
          java.util.Map<String, Object> d = new java.util.LinkedHashMap<>();
          m.keySet()
              .forEach(
                  k ->
                      d.put(String.valueOf(k), dev.previewenv.core.internal.SecretValues.REDACTED));
          copy.getAdditionalProperties().put(field, d);
        }
      }
      return copy;
    }
    return o;
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
   * that matches no container fails the build (naming the closest image names), so that a run never
   * passes on the old images; {@link #strictImages(boolean) strictImages(false)} makes it a
   * warning.
   */
  public static final class Builder implements Cloneable {
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
    private boolean strictImages = true;
    private PullPolicy pullPolicy;
    private PullSecrets pullSecrets;
    private RegistryCredentials pinCredentials; // null: digests not pinned
    private Duration registryTimeout = Duration.ofSeconds(20);
    private String kubeVersion;
    private Protection protection = Protection.INGRESS_NGINX;
    private String oauth2ProxyService;
    private OAuth2ProxyDomains oauth2ProxyDomains;
    private boolean strictHosts;

    private Builder(EnvironmentName environment) {
      this.environment = environment;
    }

    // every setter works on a copy (fields are immutable values or unmodifiable collections), so
    // a builder can be shared and specialised: the same copy-on-change idiom as Provisioner's and
    // E2eJob's settings
    private Builder with(java.util.function.Consumer<Builder> change) {
      Builder b = copy();
      change.accept(b);
      return b;
    }

    private Builder copy() {
      try {
        return (Builder) super.clone();
      } catch (CloneNotSupportedException e) {
        throw new AssertionError(e);
      }
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
      return with(b -> b.hostFormat = format);
    }

    /**
     * Sets {@code external-dns.alpha.kubernetes.io/ttl} on every ingress with hosts.
     *
     * @param ttl whole seconds, at least one
     * @throws IllegalArgumentException when the TTL is not whole seconds of at least one
     */
    public Builder externalDnsTtl(Duration ttl) {
      new IngressHostTransform(environment.value(), hostFormat, Objects.requireNonNull(ttl));
      return with(b -> b.externalDnsTtl = ttl);
    }

    /**
     * Protects the ingresses of these names with OAuth2 Proxy (HTTPRoutes and GRPCRoutes with
     * {@link Protection#ENVOY_GATEWAY}); each name must match such an object of the plan, and every
     * object of that name must be one the {@link #protection(Protection) provider} can protect, or
     * {@link #build()} fails.
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
      return with(b -> b.authHost = host);
    }

    /** Whether cluster-scoped objects are accepted (and applied unchanged) instead of refused. */
    public Builder allowClusterScoped(boolean allow) {
      return with(b -> b.allowClusterScoped = allow);
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
      return with(b -> b.overrideNamespace = override);
    }

    /**
     * Whether an image override that matches no container fails the build (default {@code true});
     * {@code false} makes it a warning in {@link Plan#warnings()}. Front doors expose this as the
     * setting {@value ImageTransform#UNMATCHED_SETTING} ({@code fail} or {@code warn}).
     */
    public Builder strictImages(boolean strict) {
      return with(b -> b.strictImages = strict);
    }

    /**
     * The {@code imagePullPolicy} of every container whose image an override matches, unless the
     * override sets its own ({@link ImageOverride#withPullPolicy}). Default: none, the manifests'
     * policies stay. Containers no override matches are never changed.
     */
    public Builder pullPolicy(PullPolicy policy) {
      return with(b -> b.pullPolicy = Objects.requireNonNull(policy, "policy"));
    }

    /** Registry credentials to copy into the namespace and attach; see {@link PullSecrets}. */
    public Builder pullSecrets(PullSecrets pullSecrets) {
      return with(b -> b.pullSecrets = Objects.requireNonNull(pullSecrets, "pullSecrets"));
    }

    /**
     * Which proxy protects the chosen objects (default {@link Protection#INGRESS_NGINX}); {@link
     * #build()} refuses settings it cannot honour, e.g. an HTTPRoute to be protected by
     * ingress-nginx, or Envoy Gateway without {@link #oauth2ProxyService(String)}.
     */
    public Builder protection(Protection protection) {
      return with(b -> b.protection = Objects.requireNonNull(protection, "protection"));
    }

    /**
     * Resolves the tag of each override that sets one to the digest it points to now, through the
     * registry's HTTP API v2 with these credentials (e.g. {@link RegistryCredentials#fromSecrets}
     * of the pull secrets), before anything is sent to the cluster: the environment then runs
     * exactly the image CI built even if the tag moves. The containers get {@code
     * name:tag@sha256:...} (the kubelet pulls by digest; the tag stays readable), {@link
     * Plan#pinnedImages()} lists both. A tag that cannot be resolved is a problem of the plan, in
     * the registry's own words. Off by default. Overrides without a new tag are not pinned (a
     * warning).
     */
    public Builder pinDigests(RegistryCredentials credentials) {
      return with(b -> b.pinCredentials = Objects.requireNonNull(credentials, "credentials"));
    }

    /** How long one registry request of {@link #pinDigests} may take (default 20 s). */
    public Builder registryTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("registry timeout must be positive, was " + timeout);
      }
      return with(b -> b.registryTimeout = timeout);
    }

    /**
     * The central OAuth2 Proxy's Service as {@code <namespace>/<name>:<port>}, e.g. {@code
     * auth/oauth2-proxy:4180}: what {@link Protection#ENVOY_GATEWAY}'s external authorization
     * calls.
     *
     * @throws IllegalArgumentException when it is not of that form
     */
    public Builder oauth2ProxyService(String service) {
      ProtectionTransform.serviceRef(service);
      return with(b -> b.oauth2ProxyService = service.strip());
    }

    /**
     * OAuth2 Proxy's cookie and whitelist domains: {@link #build()} then checks that every
     * protected host is covered by both (else sign-in loops), see {@link OAuth2ProxyDomains}.
     */
    public Builder oauth2ProxyDomains(OAuth2ProxyDomains domains) {
      return with(b -> b.oauth2ProxyDomains = Objects.requireNonNull(domains, "domains"));
    }

    /**
     * Whether a rewritten host that its TLS certificate or OAuth2 Proxy's domains do not cover is
     * an error (the plan, or {@link Provisioner#up(Plan)} for copied certificates, fails before
     * anything is applied) rather than a warning (the default).
     */
    public Builder strictHosts(boolean strict) {
      return with(b -> b.strictHosts = strict);
    }

    /**
     * The Kubernetes version of the target server, e.g. {@code v1.20.2}: Helm charts are rendered
     * for it ({@code --kube-version}), unless a chart names its own. Unset: Helm's default.
     *
     * @throws IllegalArgumentException when it is not a version
     */
    public Builder kubeVersion(String version) {
      return with(b -> b.kubeVersion = HelmChart.checkKubeVersion(version));
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
      List<String> pinWarnings = new ArrayList<>();
      Map<String, String> pinned = new LinkedHashMap<>();
      List<ImageOverride> effective =
          pinCredentials == null ? images : pin(problems, pinWarnings, pinned);
      Pipeline pipeline =
          new Pipeline(
              new NamespaceTransform(
                  env, clusterScopedKinds, allowClusterScoped, overrideNamespace),
              new ImageTransform(effective, strictImages, pullPolicy),
              new IngressHostTransform(env, hostFormat, externalDnsTtl),
              new ProtectionTransform(
                  protectedNames, protectedLabels, authHost, protection, oauth2ProxyService, env),
              new LabelTransform(env),
              new PullSecretTransform(env, pullSecrets));
      Outcome outcome =
          pipeline.run(sources.stream().map(ManifestSources::unwrap).toList(), kubeVersion);
      problems.addAll(outcome.problems());
      List<String> hostFindings =
          new ArrayList<>(
              HostChecks.tls(
                  outcome.objects(), HostChecks.certificates(outcome.objects()), "in the plan"));
      if (oauth2ProxyDomains != null) {
        hostFindings.addAll(HostChecks.login(outcome.objects(), oauth2ProxyDomains));
      }
      List<String> warnings = new ArrayList<>(pinWarnings);
      warnings.addAll(outcome.warnings());
      if (strictHosts) {
        problems.addAll(hostFindings);
      } else {
        warnings.addAll(hostFindings);
        hostFindings.forEach(f -> log.warn("Environment {}: {}", env, f));
      }
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
          warnings.size());
      pinned.forEach((image, digest) -> log.info("Pinned image {} to {}", image, digest));
      return new Plan(
          environment,
          outcome.objects(),
          outcome.routes(),
          warnings,
          pullSecrets,
          pinned,
          strictHosts);
    }

    /** The overrides with each new tag's digest added (all resolved at once). */
    private List<ImageOverride> pin(
        List<String> problems, List<String> warnings, Map<String, String> pinned) {
      RegistryClient registry = new RegistryClient(pinCredentials, registryTimeout);
      List<java.util.concurrent.Callable<Object>> lookups = new ArrayList<>();
      for (ImageOverride o : images) {
        if (o.newTag().isEmpty() || o.digest().isPresent()) {
          lookups.add(() -> null);
          continue;
        }
        String image = o.newName().orElse(o.name()) + ":" + o.newTag().get();
        lookups.add(
            () -> {
              try {
                return registry.digest(image);
              } catch (RegistryClient.ResolveException e) {
                return e;
              }
            });
      }
      // every tag is resolved at once: one round trip (plus auth) however many overrides
      List<Object> answers =
          Tasks.all("previewenv-digest", Math.max(1, Math.min(8, lookups.size())), lookups);
      List<ImageOverride> result = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        ImageOverride o = images.get(i);
        if (answers.get(i) == null) {
          if (o.digest().isEmpty()) {
            warnings.add(
                "image override \""
                    + o
                    + "\" sets no tag, so its digest is not pinned; give the tag CI built, e.g. "
                    + o.name()
                    + "=<registry>/<name>:<tag>");
          }
          result.add(o);
          continue;
        }
        String image = o.newName().orElse(o.name()) + ":" + o.newTag().orElseThrow();
        Object answer = answers.get(i);
        if (answer instanceof String digest) {
          pinned.put(image, digest);
          result.add(o.withDigest(digest));
        } else {
          problems.add(
              "image override \""
                  + o
                  + "\": the digest of "
                  + image
                  + " could not be resolved: "
                  + ((Exception) answer).getMessage());
          result.add(o);
        }
      }
      return result;
    }
  }
}
