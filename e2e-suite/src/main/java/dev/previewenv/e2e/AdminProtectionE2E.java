package dev.previewenv.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admin tool has no login of its own: its ingress in the environment's namespace must send
 * every request through OAuth2 Proxy (ingress-nginx external auth). Reads the Ingress through the
 * Kubernetes API: the client PreviewEnv injects, whose default namespace is the environment's
 * (kubeconfig from the CI JVM, the pod's service account inside the cluster).
 */
@ExampleStack
@Tag("cluster")
class AdminProtectionE2E {

  static final List<String> AUTH_ANNOTATIONS =
      List.of("nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-signin");

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
    Map<String, String> annotations =
        Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of());
    for (String key : AUTH_ANNOTATIONS) {
      String value = annotations.get(key);
      assertFalse(
          value == null || value.isBlank(),
          "Ingress "
              + namespace
              + "/"
              + name
              + " must carry "
              + key
              + " (OAuth2 Proxy), but its annotations are "
              + annotations.keySet());
    }
  }
}
