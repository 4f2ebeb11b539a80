package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Protection;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The objects each protection provider makes, and the settings each refuses. */
class ProtectionProvidersTest {
  private static final String AUTH = "auth.example.com";

  private static ProtectionTransform provider(Protection p, String authHost, String service) {
    return new ProtectionTransform(Set.of("pgadmin"), List.of(), authHost, p, service, "pr-1");
  }

  private static HasMetadata route(String kind, String name) {
    return fromYaml(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: %s
        metadata: {name: %s}
        spec:
          hostnames: [%s.example.com]
          rules: [{backendRefs: [{name: %s, port: 80}]}]
        """
            .formatted(kind, name, name, name));
  }

  @Test
  void ingressNginxAnnotatesTheIngressAndAddsNothing() {
    Outcome out =
        provider(Protection.INGRESS_NGINX, AUTH, null)
            .apply(List.of(ingress("pgadmin", "pgadmin.example.com", "pgadmin")));
    assertThat(out.problems()).isEmpty();
    assertThat(out.objects()).hasSize(1);
    assertThat(out.objects().get(0).getMetadata().getAnnotations())
        .containsEntry(ProtectionTransform.AUTH_URL, "https://auth.example.com/oauth2/auth")
        .containsKey(ProtectionTransform.AUTH_SIGNIN);
  }

  @Test
  void traefikAddsAForwardAuthMiddlewareAndReferencesItFromTheRouter() {
    HasMetadata in =
        fromYaml(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: pgadmin
              annotations:
                traefik.ingress.kubernetes.io/router.middlewares: pr-1-compress@kubernetescrd
            spec:
              rules: [{host: pgadmin.example.com}]
            """);
    Outcome out = provider(Protection.TRAEFIK, AUTH, null).apply(List.of(in));

    assertThat(out.problems()).isEmpty();
    assertThat(out.objects().get(0).getMetadata().getAnnotations())
        .containsEntry(
            "traefik.ingress.kubernetes.io/router.middlewares",
            "pr-1-compress@kubernetescrd,pr-1-previewenv-oauth2-proxy@kubernetescrd")
        .doesNotContainKey(ProtectionTransform.AUTH_URL);
    GenericKubernetesResource middleware = (GenericKubernetesResource) out.objects().get(1);
    assertThat(middleware.getApiVersion()).isEqualTo("traefik.io/v1alpha1");
    assertThat(middleware.getKind()).isEqualTo("Middleware");
    assertThat(middleware.getMetadata().getName()).isEqualTo("previewenv-oauth2-proxy");
    assertThat(middleware.getMetadata().getNamespace()).isEqualTo("pr-1");
    assertThat(tree(middleware).get("spec"))
        .isEqualTo(
            Map.of(
                "forwardAuth",
                Map.of(
                    "address",
                    "https://auth.example.com/oauth2/auth",
                    "trustForwardHeader",
                    true,
                    "authResponseHeaders",
                    List.of("X-Auth-Request-User", "X-Auth-Request-Email"))));
  }

  @Test
  void envoyGatewayAddsOneSecurityPolicyTargetingTheProtectedRoutes() {
    Outcome out =
        new ProtectionTransform(
                Set.of("pgadmin"),
                List.of(Map.of("tier", "tool")),
                null,
                Protection.ENVOY_GATEWAY,
                "auth/oauth2-proxy:4180",
                "pr-1")
            .apply(
                List.of(
                    route("HTTPRoute", "pgadmin"),
                    withLabels(route("GRPCRoute", "redis-insight"), Map.of("tier", "tool")),
                    route("HTTPRoute", "shop")));

    assertThat(out.problems()).isEmpty();
    GenericKubernetesResource policy = (GenericKubernetesResource) out.objects().get(3);
    assertThat(policy.getApiVersion()).isEqualTo("gateway.envoyproxy.io/v1alpha1");
    assertThat(policy.getKind()).isEqualTo("SecurityPolicy");
    assertThat(policy.getMetadata().getNamespace()).isEqualTo("pr-1");
    Map<String, Object> spec = (Map<String, Object>) tree(policy).get("spec");
    assertThat(spec.get("targetRefs"))
        .isEqualTo(
            List.of(
                Map.of(
                    "group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "pgadmin"),
                Map.of(
                    "group",
                    "gateway.networking.k8s.io",
                    "kind",
                    "GRPCRoute",
                    "name",
                    "redis-insight")));
    assertThat(spec.get("extAuth"))
        .isEqualTo(
            Map.of(
                "http",
                Map.of(
                    "backendRefs",
                    List.of(Map.of("name", "oauth2-proxy", "namespace", "auth", "port", 4180)),
                    "path",
                    "/oauth2/auth",
                    "headersToBackend",
                    List.of("x-auth-request-user", "x-auth-request-email"))));
  }

  @Test
  void eachProviderRefusesWhatItCannotHonour() {
    HasMetadata ingress = ingress("pgadmin", "pgadmin.example.com", "pgadmin");
    HasMetadata route = route("HTTPRoute", "pgadmin");

    assertThat(provider(Protection.INGRESS_NGINX, AUTH, null).apply(List.of(route)).problems())
        .singleElement()
        .asString()
        .contains("HTTPRoute/pgadmin is chosen for protection, but ingress-nginx protects only");
    assertThat(provider(Protection.TRAEFIK, AUTH, null).apply(List.of(route)).problems())
        .singleElement()
        .asString()
        .contains("Traefik protects only Ingresses");
    assertThat(
            provider(Protection.TRAEFIK, AUTH, "auth/oauth2-proxy:4180")
                .apply(List.of(ingress))
                .problems())
        .singleElement()
        .asString()
        .contains("reaches OAuth2 Proxy by its host");
    assertThat(provider(Protection.ENVOY_GATEWAY, AUTH, null).apply(List.of(route)).problems())
        .singleElement()
        .asString()
        .contains("set oauth2ProxyService", "authHost auth.example.com alone is not enough");
    assertThat(
            provider(Protection.ENVOY_GATEWAY, null, "auth/oauth2-proxy:4180")
                .apply(List.of(ingress))
                .problems())
        .singleElement()
        .asString()
        .contains("Ingress/pgadmin is chosen", "Envoy Gateway does not serve Ingresses");
    assertThat(
            provider(Protection.ENVOY_GATEWAY, null, "auth/oauth2-proxy:4180")
                .apply(List.of(route("HTTPRoute", "shop")))
                .problems())
        .singleElement()
        .asString()
        .contains("no HTTPRoute or GRPCRoute of that name");
    assertThatThrownBy(() -> provider(Protection.ENVOY_GATEWAY, null, "oauth2-proxy"))
        .hasMessageContaining("<namespace>/<service name>:<port>");
  }

  @Test
  void aProviderThatCannotBeHonouredAddsNothingAndChangesNothing() {
    HasMetadata ingress = ingress("pgadmin", "pgadmin.example.com", "pgadmin");
    Outcome out = provider(Protection.TRAEFIK, null, null).apply(List.of(ingress));
    assertThat(out.objects()).containsExactly(ingress);
    assertThat(out.problems()).singleElement().asString().contains("no auth host is set");
  }

  private static HasMetadata withLabels(HasMetadata o, Map<String, String> labels) {
    o.getMetadata().setLabels(labels);
    return o;
  }
}
