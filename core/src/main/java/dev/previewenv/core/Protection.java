package dev.previewenv.core;

/**
 * Which proxy puts protected hosts behind the central OAuth2 Proxy ({@link
 * Plan.Builder#protection(Protection)}). Each protects the kinds its proxy serves; the plan refuses
 * settings the chosen one cannot honour (a protected object of a kind it does not serve, a missing
 * auth host or OAuth2 Proxy Service).
 */
public enum Protection {
  /**
   * ingress-nginx (the default): {@code nginx.ingress.kubernetes.io/auth-url}, {@code auth-signin}
   * and {@code auth-response-headers} annotations on protected Ingresses, pointing at {@code
   * https://<authHost>/oauth2/...}. Needs {@link Plan.Builder#authHost(String)}.
   */
  INGRESS_NGINX,
  /**
   * Traefik: one ForwardAuth {@code Middleware} ({@code traefik.io/v1alpha1}) in the environment
   * whose address is {@code https://<authHost>/oauth2/auth}, and the {@code
   * traefik.ingress.kubernetes.io/router.middlewares} annotation on protected Ingresses. Needs
   * {@link Plan.Builder#authHost(String)}. Traefik returns OAuth2 Proxy's 401 to a browser that has
   * not signed in (there is no sign-in redirect like ingress-nginx's {@code auth-signin}).
   */
  TRAEFIK,
  /**
   * Envoy Gateway: one {@code SecurityPolicy} ({@code gateway.envoyproxy.io/v1alpha1}) in the
   * environment, targeting the protected HTTPRoutes and GRPCRoutes, whose {@code extAuth} calls the
   * OAuth2 Proxy Service at {@code /oauth2/auth}. Envoy calls a Service, not a host: needs {@link
   * Plan.Builder#oauth2ProxyService(String)}; a Service in another namespace needs a ReferenceGrant
   * there that allows SecurityPolicies from environment namespaces.
   */
  ENVOY_GATEWAY
}
