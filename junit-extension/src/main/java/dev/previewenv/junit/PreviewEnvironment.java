package dev.previewenv.junit;

import dev.previewenv.core.Access;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the annotated test class a preview environment: the stack described by {@link #manifests()}
 * deployed into a namespace of its own, named after the git branch, ready before the first test and
 * removed after the last test of the run (see {@link #retention()}).
 *
 * <pre>{@code
 * @PreviewEnvironment(
 *     manifests = "kustomize:deploy/overlays/preview",
 *     images = "api=registry.example.com/api:sha-1f2e",
 *     secrets = "copy:shared/registry-credentials")
 * class CheckoutE2eTest {
 *   @Test
 *   void ordersAreAccepted(@ServiceUrl("api") URI api, KubernetesClient client) { ... }
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> Classes (and {@code @Nested} classes) whose resolved settings are equal
 * share one environment per test run, also under parallel execution; it is provisioned once, by the
 * first class that needs it, and torn down once, when the run ends. Teardown is registered before
 * provisioning starts, so an environment whose provisioning fails half-way is still removed when
 * its retention says so. A failed or erroring test in any class using the environment marks it
 * failed. With {@link Retention#ON_SUCCESS} a failed environment is kept and its namespace, URLs,
 * diagnostics folder and the {@code kubectl} commands to inspect and delete it are printed once to
 * standard error.
 *
 * <p><b>Injection.</b> Test constructors and methods may declare parameters of type {@link
 * dev.previewenv.core.Preview}, {@link io.fabric8.kubernetes.client.KubernetesClient} (the run's
 * client, with the environment's namespace as its default namespace; in attach mode connected only
 * when a test asks for it) and, with {@link ServiceUrl}, {@link java.net.URI}, {@link
 * java.net.URL}, {@link String} and (when RestAssured is on the classpath) {@code
 * io.restassured.specification.RequestSpecification}.
 *
 * <p><b>Access.</b> Provisioned environments' URLs follow {@link #access()} (setting {@link
 * #ACCESS}): ingress hosts, or port-forwards through the API server on 127.0.0.1 for clusters
 * without ingress controller or DNS ({@code -Dpreviewenv.access=port-forward}).
 *
 * <p><b>Configuration.</b> Every attribute can be set or overridden by a setting; precedence,
 * lowest first: the annotation, JUnit configuration parameters ({@code junit-platform.properties}),
 * Java system properties, environment variables. The environment variable of a setting is its name
 * in upper case with dots and dashes replaced by underscores ({@code previewenv.images} → {@code
 * PREVIEWENV_IMAGES}). List settings are comma separated; {@link #IMAGES} entries add to and
 * override the annotation's images per image name; other list settings replace the attribute.
 *
 * <p><b>Attach mode.</b> When {@link #NAMESPACE} is set (the in-cluster E2E Job runner sets {@code
 * PREVIEWENV_NAMESPACE}), nothing is provisioned or torn down: the tests use that namespace, and
 * service URLs are in-cluster ({@link #SERVICE_URL_PREFIX}{@code <service>}, else {@code
 * http://<service>.<namespace>.svc.cluster.local:<first port>}, or the Service's cluster IP when
 * {@link #ATTACH_DNS} is {@code false}). {@link dev.previewenv.core.Preview} cannot be injected in
 * attach mode.
 *
 * <p><b>Cluster.</b> {@link #CLUSTER_PROVIDER} names a {@link KubernetesClientProvider}; without
 * it, a kubeconfig ({@link #KUBECONFIG}, {@code KUBECONFIG}, {@code ~/.kube/config}, context {@link
 * #CONTEXT}) or the in-cluster service account is used; where there is neither, an embedded k3s
 * cluster is started with Testcontainers when {@code org.testcontainers:testcontainers-k3s} is on
 * the classpath, Docker runs and the image {@link #K3S_IMAGE} is present locally.
 *
 * <p>The annotation is {@link Inherited} and may be used as a meta-annotation of a composed
 * annotation that a team shares between its test classes.
 */
@java.lang.annotation.Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Inherited
@Documented
@ExtendWith(PreviewEnvironmentExtension.class)
public @interface PreviewEnvironment {

  /** Setting: manifest sources, comma separated; replaces {@link #manifests()}. */
  String MANIFESTS = "previewenv.manifests";

  /**
   * Setting: comma-separated values files added to every {@code helm:} source (after its own), e.g.
   * {@code -Dpreviewenv.helm.values=ci-values.yaml}.
   */
  String HELM_VALUES = "previewenv.helm.values";

  /**
   * Setting: comma-separated {@code key=value} Helm values ({@code --set}) added to every {@code
   * helm:} source, e.g. {@code -Dpreviewenv.helm.set=api.image.tag=sha-1f2e}.
   */
  String HELM_SET = "previewenv.helm.set";

  /**
   * Setting: which proxy protects {@link #protectedIngresses()}: {@code ingress-nginx} (default),
   * {@code traefik} or {@code envoy-gateway} (then the names are HTTPRoutes/GRPCRoutes and {@link
   * #OAUTH2_PROXY_SERVICE} is needed).
   */
  String PROTECTION = "previewenv.protection";

  /** Setting: the OAuth2 Proxy Service for Envoy Gateway, {@code <namespace>/<name>:<port>}. */
  String OAUTH2_PROXY_SERVICE = "previewenv.oauth2proxy.service";

  /**
   * Setting: the namespace of the central OAuth2 Proxy's Deployment; when set, its cookie and
   * whitelist domains are read and every protected host is checked against them.
   */
  String OAUTH2_PROXY_NAMESPACE = "previewenv.oauth2proxy.namespace";

  /** Setting: {@code true} makes uncovered hosts (TLS certificate, OAuth2 Proxy domains) errors. */
  String STRICT_HOSTS = "previewenv.strict.hosts";

  /**
   * Setting: image overrides {@code name=newName:tag}, comma separated; each adds to or replaces
   * the annotation's override of the same image name. CI passes {@code -Dpreviewenv.images=...}.
   */
  String IMAGES = "previewenv.images";

  /** Setting: the git branch; see {@link #branch()}. */
  String BRANCH = "previewenv.branch";

  /** Setting: the prefix of the environment name; see {@link #prefix()}. */
  String PREFIX = "previewenv.prefix";

  /** Setting: the ingress host format; see {@link #hostFormat()}. */
  String HOST_FORMAT = "previewenv.host.format";

  /** Setting: the OAuth2 Proxy host for protected ingresses; see {@link #authHost()}. */
  String AUTH_HOST = "previewenv.auth.host";

  /** Setting: ingresses to protect, comma separated; replaces {@link #protectedIngresses()}. */
  String PROTECTED_INGRESSES = "previewenv.protected.ingresses";

  /** Setting: secrets to bring in, comma separated; replaces {@link #secrets()}. */
  String SECRETS = "previewenv.secrets";

  /**
   * Setting: registry credentials ({@code kubernetes.io/dockerconfigjson} secrets) to copy into the
   * namespace and attach to its pods, {@code <source namespace>/<name>}, comma separated; replaces
   * {@link #pullSecrets()}.
   */
  String PULL_SECRETS = "previewenv.pull.secrets";

  /**
   * Setting: where pull secrets are attached: {@code service-account} (default), {@code pod-spec}
   * or {@code both}; see {@link #pullSecretsAttach()}.
   */
  String PULL_SECRETS_ATTACH = "previewenv.pull.secrets.attach";

  /**
   * Setting: the {@code imagePullPolicy} of the containers the image overrides change ({@code
   * Always}, {@code IfNotPresent}, {@code Never}); see {@link #imagePullPolicy()}.
   */
  String IMAGE_PULL_POLICY = "previewenv.image.pull.policy";

  /** Setting: {@code true} or {@code false}; see {@link #pinDigests()}. */
  String PIN_DIGESTS = "previewenv.pin.digests";

  /** Setting: {@code ALWAYS}, {@code ON_SUCCESS} or {@code NEVER}; see {@link #retention()}. */
  String RETENTION = "previewenv.retention";

  /** Setting: the environment's time to live; see {@link #ttl()}. */
  String TTL = "previewenv.ttl";

  /** Setting: the readiness timeout; see {@link #readinessTimeout()}. */
  String READINESS_TIMEOUT = "previewenv.readiness.timeout";

  /** Setting: {@code true} or {@code false}; see {@link #reuse()}. */
  String REUSE = "previewenv.reuse";

  /**
   * Setting: {@code true} deletes an existing environment of the same name before provisioning, so
   * that the run starts from nothing; default {@code false}: an existing environment that no live
   * owner holds is updated in place (changed objects applied, new images rolled out, objects that
   * left the manifests pruned).
   */
  String FRESH = "previewenv.fresh";

  /**
   * Setting: {@code true} runs the stack's seed Jobs ({@code previewenv.dev/phase: seed}) again
   * even where the environment records them as done with the same spec; default {@code false}: a
   * seed runs once per environment, and again only when its Job as planned changes (see {@code
   * Provisioner.withReseed}).
   */
  String RESEED = "previewenv.reseed";

  /**
   * Setting: {@code fail} (default) or {@code warn}: what an image override that matches no
   * container of the manifests does. {@code fail} stops before anything is sent, naming the closest
   * image names, so that a run never passes on the old images.
   */
  String IMAGES_UNMATCHED = "previewenv.images.unmatched";

  /**
   * Setting: {@code wait} (default) or {@code request}: whether teardown waits until the namespace
   * is gone (printing what still terminates every few seconds) or requests its deletion and returns
   * at once, leaving the rest to the namespace controller and the janitor; see {@link
   * dev.previewenv.core.Teardown}.
   */
  String TEARDOWN = "previewenv.teardown";

  /** Setting: the owner recorded on the namespace, e.g. a CI run id; default the user name. */
  String OWNER = "previewenv.owner";

  /** Setting: the folder diagnostics are written to; default {@code target/previewenv}. */
  String DIAGNOSTICS_DIR = "previewenv.diagnostics.dir";

  /**
   * Setting: how injected URLs and RestAssured specifications reach the services: {@code ingress},
   * {@code port-forward} or {@code auto}; see {@link #access()}. Clusters without an ingress
   * controller or DNS for the environment's hosts (CI and dev clusters) need {@code port-forward}.
   */
  String ACCESS = "previewenv.access";

  /** Setting: the kubeconfig file; default {@code KUBECONFIG}, then {@code ~/.kube/config}. */
  String KUBECONFIG = "previewenv.kubeconfig";

  /** Setting: the kubeconfig context; default its current context. */
  String CONTEXT = "previewenv.context";

  /**
   * Setting: how long the API server may take to answer the preflight's one request before the run
   * fails with a message naming the server and the kubeconfig; default {@code 3s}.
   */
  String CLUSTER_TIMEOUT = "previewenv.cluster.timeout";

  /**
   * Setting: the class name of a {@link KubernetesClientProvider} (public, no-argument constructor)
   * that replaces the built-in cluster selection.
   */
  String CLUSTER_PROVIDER = "previewenv.cluster.provider";

  /** Setting: the k3s image of the embedded cluster; default {@link #DEFAULT_K3S_IMAGE}. */
  String K3S_IMAGE = "previewenv.k3s.image";

  /** The default k3s image; it must be present in the local Docker engine (it is never pulled). */
  String DEFAULT_K3S_IMAGE = "rancher/k3s:v1.31.4-k3s1";

  /**
   * Setting (attach mode): the namespace of an environment provisioned elsewhere; when set, the
   * extension neither provisions nor tears down. Environment variable {@code PREVIEWENV_NAMESPACE}.
   */
  String NAMESPACE = "previewenv.namespace";

  /**
   * Setting prefix (attach mode): {@code previewenv.service.url.<service>} is the URL of a service,
   * environment variable {@code PREVIEWENV_SERVICE_URL_<SERVICE>} (upper case, dashes become
   * underscores).
   */
  String SERVICE_URL_PREFIX = "previewenv.service.url.";

  /**
   * Setting (attach mode): {@code false} when the cluster has no DNS; service URLs then use the
   * Service's cluster IP. Default {@code true}.
   */
  String ATTACH_DNS = "previewenv.attach.dns";

  /**
   * Manifest sources, each {@code classpath:<resource>}, {@code file:<file or directory>}, {@code
   * kustomize:<kustomization directory>} (option {@code ;helm=true} allows its {@code helmCharts:})
   * or {@code helm:<chart directory or .tgz>} with options {@code ;release=<name>}, {@code
   * ;values=<file>}, {@code ;set=<key>=<value>}, {@code ;set-string=<key>=<value>}, {@code
   * ;hooks=seed|omit|apply|refuse}, e.g. {@code
   * helm:deploy/charts/shop;values=deploy/preview-values.yaml;set=api.replicas=1}; a path without
   * prefix is a file or directory. Relative paths resolve against the working directory. Helm
   * charts are rendered for the cluster's Kubernetes version; see {@code
   * ManifestSource.parse(String, Path)}.
   */
  String[] manifests() default {};

  /**
   * Image overrides in {@code kustomize edit set image} syntax, e.g. {@code
   * api=registry.example.com/api:sha-1f2e}.
   */
  String[] images() default {};

  /**
   * The git branch the environment is named after. Empty: {@code GITHUB_HEAD_REF}, {@code
   * GITHUB_REF_NAME}, {@code CI_COMMIT_REF_NAME}, {@code BRANCH_NAME}, then the checked-out branch
   * of the working directory's git repository.
   */
  String branch() default "";

  /** A prefix of the environment name, e.g. {@code pr}; empty for none. */
  String prefix() default "";

  /**
   * The format of rewritten ingress hosts, placeholders {@code {env}} and {@code {host}}: empty for
   * the default {@code {env}.{host}}, or e.g. {@code {env}-{host}}.
   */
  String hostFormat() default "";

  /** The host of the central OAuth2 Proxy, e.g. {@code auth.example.com}. */
  String authHost() default "";

  /** Names of ingresses to put behind OAuth2 Proxy (requires {@link #authHost()}). */
  String[] protectedIngresses() default {};

  /**
   * Secrets to bring into the namespace, each {@code <strategy>:<source namespace>/<name>} with
   * strategy {@code copy} (PreviewEnv copies it), {@code kubed}, {@code reflector} or {@code
   * replicator} (that controller copies it), e.g. {@code copy:shared/registry-credentials}.
   */
  String[] secrets() default {};

  /**
   * Registry credentials for the environment's pods, each {@code <source namespace>/<name>} of a
   * {@code kubernetes.io/dockerconfigjson} secret (all from one namespace), e.g. {@code
   * shared/registry-credentials}: copied into the namespace and attached as {@link
   * #pullSecretsAttach()} says, and to the E2E Job's ServiceAccount.
   */
  String[] pullSecrets() default {};

  /**
   * Where {@link #pullSecrets()} are attached: {@code service-account} (the namespace's default
   * ServiceAccount and the plan's ServiceAccounts; the default when empty), {@code pod-spec} (every
   * pod spec of the plan) or {@code both}.
   */
  String pullSecretsAttach() default "";

  /**
   * The {@code imagePullPolicy} of the containers whose images the overrides change: {@code Always}
   * for a moving tag, {@code IfNotPresent} for an immutable tag or digest, {@code Never} for nodes
   * fed local images. Empty: the manifests' policies stay.
   */
  String imagePullPolicy() default "";

  /**
   * {@code true}: each overridden tag is resolved to its digest through the registry's API (with
   * the {@link #pullSecrets()}' credentials) before anything is applied, so the environment runs
   * exactly that image even if the tag moves. Default {@code false}.
   */
  boolean pinDigests() default false;

  /** When the environment is deleted at the end of the run. */
  Retention retention() default Retention.DEFAULT;

  /**
   * How long the environment may live before the janitor deletes it: ISO-8601 ({@code PT4H}) or
   * {@code 4h}, {@code 90m}, {@code 30s}, {@code 2d}. Empty: 4 hours.
   */
  String ttl() default "";

  /**
   * How long to wait for the workloads to be ready, in the format of {@link #ttl()}; {@code none}
   * does not wait. Empty: 5 minutes.
   */
  String readinessTimeout() default "";

  /**
   * {@code true}: the environment is kept after the run (retention {@code DEFAULT} then means
   * {@code NEVER}), so that the next run converges on it quickly. Either way an existing
   * environment of the same name that no live owner holds is updated in place; {@link #FRESH}
   * deletes it first instead.
   */
  boolean reuse() default false;

  /**
   * How {@link ServiceUrl} URLs (and the RestAssured specifications built from them) reach the
   * services from the test JVM: {@link Access#INGRESS} (default) the environment's rewritten
   * ingress hosts, as users see them; {@link Access#PORT_FORWARD} {@code http://127.0.0.1:<port>}
   * of a port-forward through the API server to the Service (opened on first use, closed with the
   * environment; works without ingress controller and DNS, and for services without an ingress);
   * {@link Access#AUTO} the ingress host when the service's Ingress reports a load-balancer
   * address, else port-forward. Not used in attach mode, whose URLs are in-cluster.
   */
  Access access() default Access.INGRESS;

  /** When the environment is deleted at the end of the run. */
  enum Retention {
    /** Take it from {@link #RETENTION}; if unset, {@link #ON_SUCCESS}. */
    DEFAULT,
    /** Always delete it. */
    ALWAYS,
    /** Delete it unless a test failed or provisioning failed; then keep it for inspection. */
    ON_SUCCESS,
    /** Keep it; the janitor removes it when its TTL has passed. */
    NEVER
  }
}
