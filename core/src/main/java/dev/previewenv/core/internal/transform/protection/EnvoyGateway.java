package dev.previewenv.core.internal.transform.protection;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Envoy Gateway: one SecurityPolicy in the environment that targets every protected HTTPRoute and
 * GRPCRoute, with HTTP external authorization by the OAuth2 Proxy Service at {@code /oauth2/auth}.
 */
final class EnvoyGateway implements AuthProvider {
  static final String POLICY = "previewenv-oauth2-proxy";
  static final String API_VERSION = "gateway.envoyproxy.io/v1alpha1";

  @Override
  public String displayName() {
    return "Envoy Gateway";
  }

  @Override
  public boolean canProtect(HasMetadata o) {
    return Kinds.isGatewayRoute(o);
  }

  @Override
  public String protectsWhat() {
    return "HTTPRoutes and GRPCRoutes (Envoy Gateway does not serve Ingresses)";
  }

  @Override
  public List<String> check(Settings s) {
    if (s.service() == null) {
      return List.of(
          "Envoy Gateway protection calls OAuth2 Proxy through its Service, not its host: set"
              + " oauth2ProxyService, e.g. \"auth/oauth2-proxy:4180\""
              + (s.authHost() == null
                  ? ""
                  : " (authHost " + s.authHost() + " alone is not enough)"));
    }
    return List.of();
  }

  @Override
  public HasMetadata protect(HasMetadata o, Settings s) {
    return o; // the SecurityPolicy targets the route; the route itself is unchanged
  }

  @Override
  public List<HasMetadata> added(List<HasMetadata> protectedObjects, Settings s) {
    if (protectedObjects.isEmpty()) {
      return List.of();
    }
    List<Object> targets = new ArrayList<>();
    for (HasMetadata o : protectedObjects) {
      Map<String, Object> ref = new LinkedHashMap<>();
      ref.put("group", "gateway.networking.k8s.io");
      ref.put("kind", o.getKind());
      ref.put("name", o.getMetadata().getName());
      targets.add(ref);
    }
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("name", s.service().name());
    backend.put("namespace", s.service().namespace());
    backend.put("port", s.service().port());
    Map<String, Object> http = new LinkedHashMap<>();
    http.put("backendRefs", List.of(backend));
    http.put("path", "/oauth2/auth");
    http.put("headersToBackend", List.of("x-auth-request-user", "x-auth-request-email"));
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", targets);
    spec.put("extAuth", Map.of("http", http));
    return List.of(
        Annotations.resource(API_VERSION, "SecurityPolicy", s.namespace(), POLICY, spec));
  }
}
