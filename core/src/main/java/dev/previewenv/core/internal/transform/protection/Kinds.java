package dev.previewenv.core.internal.transform.protection;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;

/** The kinds providers protect, and checks they share. */
final class Kinds {
  static final String RESPONSE_HEADERS = "X-Auth-Request-User,X-Auth-Request-Email";
  static final Set<String> INGRESS_API_VERSIONS =
      Set.of("networking.k8s.io/v1", "networking.k8s.io/v1beta1", "extensions/v1beta1");

  private Kinds() {}

  static boolean isIngress(HasMetadata o) {
    return "Ingress".equals(o.getKind()) && INGRESS_API_VERSIONS.contains(o.getApiVersion());
  }

  static boolean isGatewayRoute(HasMetadata o) {
    return ("HTTPRoute".equals(o.getKind()) || "GRPCRoute".equals(o.getKind()))
        && o.getApiVersion() != null
        && o.getApiVersion().startsWith("gateway.networking.k8s.io/");
  }

  static List<String> needAuthHost(AuthProvider p, AuthProvider.Settings s) {
    if (s.authHost() == null) {
      return List.of(
          p.displayName()
              + " protection is asked for, but no auth host is set; set the host of the central"
              + " OAuth2 Proxy (authHost), e.g. auth.example.com");
    }
    if (s.service() != null) {
      return List.of(
          "oauth2ProxyService "
              + s.service()
              + " is set, but "
              + p.displayName()
              + " reaches OAuth2 Proxy by its host (authHost), not by a Service; remove the"
              + " setting, or choose the Envoy Gateway provider for HTTPRoutes");
    }
    return List.of();
  }
}
