package dev.previewenv.core.internal.transform.protection;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Traefik: one ForwardAuth Middleware in the environment, referenced from each protected Ingress by
 * the router annotation ({@code <namespace>-<middleware>@kubernetescrd}, appended to middlewares
 * the Ingress already lists).
 */
final class Traefik implements AuthProvider {
  static final String MIDDLEWARE = "previewenv-oauth2-proxy";
  static final String ROUTER_MIDDLEWARES = "traefik.ingress.kubernetes.io/router.middlewares";
  static final String API_VERSION = "traefik.io/v1alpha1";

  @Override
  public String displayName() {
    return "Traefik";
  }

  @Override
  public boolean canProtect(HasMetadata o) {
    return Kinds.isIngress(o);
  }

  @Override
  public String protectsWhat() {
    return "Ingresses (Traefik's IngressRoute and Gateway API routes are not supported)";
  }

  @Override
  public List<String> check(Settings settings) {
    return Kinds.needAuthHost(this, settings);
  }

  @Override
  public HasMetadata protect(HasMetadata o, Settings s) {
    String ref = s.namespace() + "-" + MIDDLEWARE + "@kubernetescrd";
    String existing = Annotations.get(o, ROUTER_MIDDLEWARES);
    String value =
        existing == null || existing.isBlank()
            ? ref
            : existing.contains(ref) ? existing : existing + "," + ref;
    return Annotations.with(o, Map.of(ROUTER_MIDDLEWARES, value));
  }

  @Override
  public List<HasMetadata> added(List<HasMetadata> protectedObjects, Settings s) {
    if (protectedObjects.isEmpty()) {
      return List.of();
    }
    Map<String, Object> forwardAuth = new LinkedHashMap<>();
    forwardAuth.put("address", "https://" + s.authHost() + "/oauth2/auth");
    forwardAuth.put("trustForwardHeader", true);
    forwardAuth.put("authResponseHeaders", List.of(Kinds.RESPONSE_HEADERS.split(",")));
    return List.of(
        Annotations.resource(
            API_VERSION,
            "Middleware",
            s.namespace(),
            MIDDLEWARE,
            Map.of("forwardAuth", forwardAuth)));
  }
}
