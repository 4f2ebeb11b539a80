package dev.previewenv.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admin tool has no login of its own: its ingress in the environment's namespace must send
 * every request through OAuth2 Proxy (ingress-nginx external auth). The manifests carry no auth
 * annotations (production states them in its overlay), so what this test finds is what PreviewEnv
 * wrote for this environment from {@code @ExampleStack}'s protection setting: the auth URL and
 * sign-in of the configured OAuth2 Proxy host, on the ingress whose host PreviewEnv rewrote to the
 * environment's ({@code <namespace>.admin.example.com}, also published to external-dns). A broken
 * protection or host transformation fails it. Reads the Ingress through the Kubernetes API: the
 * client PreviewEnv injects, whose default namespace is the environment's (kubeconfig from the CI
 * JVM, the pod's service account inside the cluster).
 */
@ExampleStack
@Tag("cluster")
class AdminProtectionE2E {

  static final String AUTH_URL = "nginx.ingress.kubernetes.io/auth-url";
  static final String AUTH_SIGNIN = "nginx.ingress.kubernetes.io/auth-signin";
  static final String AUTH_RESPONSE_HEADERS = "nginx.ingress.kubernetes.io/auth-response-headers";
  static final String EXTERNAL_DNS = "external-dns.alpha.kubernetes.io/hostname";

  /** The admin ingress's host in the manifests, before PreviewEnv rewrites it. */
  static final String MANIFEST_HOST = "admin.example.com";

  @BeforeEach
  void needsTheKubernetesApi() {
    Optional<String> missing = ClusterAccess.unavailableReason();
    Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
  }

  @Test
  void adminIngressCarriesOAuth2ProxyAnnotations(KubernetesClient client) {
    String namespace = client.getNamespace();
    String name = Optional.ofNullable(System.getenv("PREVIEWENV_ADMIN_INGRESS")).orElse("admin");
    Ingress ingress = client.network().v1().ingresses().withName(name).get();
    assertNotNull(
        ingress, "expected Ingress " + name + " in namespace " + namespace + ", saw none");
    List<String> problems = problems(ingress, namespace, authHost(), hostFormat());
    assertTrue(
        problems.isEmpty(),
        "Ingress "
            + namespace
            + "/"
            + name
            + " is not protected as PreviewEnv protects it for this environment: "
            + String.join("; ", problems));
  }

  /**
   * What is wrong with {@code ingress} of the environment {@code namespace}, protected through
   * OAuth2 Proxy at {@code authHost}, its hosts rewritten with {@code hostFormat}; empty when it is
   * as PreviewEnv makes it.
   */
  static List<String> problems(
      Ingress ingress, String namespace, String authHost, String hostFormat) {
    List<String> problems = new ArrayList<>();
    Map<String, String> annotations =
        Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of());
    expect(problems, annotations, AUTH_URL, "https://" + authHost + "/oauth2/auth");
    expect(
        problems,
        annotations,
        AUTH_SIGNIN,
        "https://" + authHost + "/oauth2/start?rd=$scheme://$host$request_uri");
    expect(
        problems, annotations, AUTH_RESPONSE_HEADERS, "X-Auth-Request-User,X-Auth-Request-Email");
    String host = hostFormat.replace("{env}", namespace).replace("{host}", MANIFEST_HOST);
    List<String> hosts =
        ingress.getSpec() == null || ingress.getSpec().getRules() == null
            ? List.of()
            : ingress.getSpec().getRules().stream().map(IngressRule::getHost).toList();
    if (!hosts.equals(List.of(host))) {
      problems.add("its hosts are " + hosts + ", expected [" + host + "] (this environment's)");
    }
    expect(problems, annotations, EXTERNAL_DNS, host);
    return problems;
  }

  private static void expect(
      List<String> problems, Map<String, String> annotations, String key, String expected) {
    String seen = annotations.get(key);
    if (!expected.equals(seen)) {
      problems.add(
          key
              + " is "
              + (seen == null ? "missing" : "\"" + seen + "\"")
              + ", expected \""
              + expected
              + "\" (annotations: "
              + annotations.keySet()
              + ")");
    }
  }

  /** The OAuth2 Proxy host: the setting's override, else {@code @ExampleStack}'s. */
  static String authHost() {
    return setting(PreviewEnvironment.AUTH_HOST)
        .orElse(ExampleStack.class.getAnnotation(PreviewEnvironment.class).authHost());
  }

  /** The host format: the setting's override, else {@code @ExampleStack}'s or the default. */
  static String hostFormat() {
    String annotated = ExampleStack.class.getAnnotation(PreviewEnvironment.class).hostFormat();
    return setting(PreviewEnvironment.HOST_FORMAT)
        .orElse(annotated.isBlank() ? "{env}.{host}" : annotated);
  }

  /** A setting given as system property or environment variable ({@code a.b} as {@code A_B}). */
  private static Optional<String> setting(String key) {
    String env = key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    for (String v : new String[] {System.getenv(env), System.getProperty(key)}) {
      if (v != null && !v.isBlank()) {
        return Optional.of(v.strip());
      }
    }
    return Optional.empty();
  }
}
