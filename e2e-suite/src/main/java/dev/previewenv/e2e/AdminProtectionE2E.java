package dev.previewenv.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The admin tool has no login of its own: its ingress in the environment's namespace must send
 * every request through OAuth2 Proxy (ingress-nginx external auth). Reads the Ingress through the
 * Kubernetes API (kubeconfig, or the pod's service account inside the cluster).
 */
@Tag("cluster")
class AdminProtectionE2E {

  static final List<String> AUTH_ANNOTATIONS =
      List.of("nginx.ingress.kubernetes.io/auth-url", "nginx.ingress.kubernetes.io/auth-signin");

  @Test
  void adminIngressCarriesOAuth2ProxyAnnotations() {
    Optional<String> namespace = StackUrls.namespace();
    Assumptions.assumeTrue(
        namespace.isPresent(),
        "PREVIEWENV_NAMESPACE is not set: this test reads the admin Ingress of a deployed"
            + " environment; set it to the environment's namespace");
    String name = Optional.ofNullable(System.getenv("PREVIEWENV_ADMIN_INGRESS")).orElse("admin");
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      Ingress ingress =
          client.network().v1().ingresses().inNamespace(namespace.get()).withName(name).get();
      assertNotNull(
          ingress, "expected Ingress " + name + " in namespace " + namespace.get() + ", saw none");
      Map<String, String> annotations =
          Optional.ofNullable(ingress.getMetadata().getAnnotations()).orElse(Map.of());
      for (String key : AUTH_ANNOTATIONS) {
        String value = annotations.get(key);
        assertFalse(
            value == null || value.isBlank(),
            "Ingress "
                + namespace.get()
                + "/"
                + name
                + " must carry "
                + key
                + " (OAuth2 Proxy), but its annotations are "
                + annotations.keySet());
      }
    }
  }
}
