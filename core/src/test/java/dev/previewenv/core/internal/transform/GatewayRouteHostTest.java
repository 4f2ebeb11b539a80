package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.Route;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GatewayRouteHostTest {
  private final IngressHostTransform dotted = new IngressHostTransform("pr-1", null, null);

  static HasMetadata httpRoute() {
    return fromYaml(
        """
        apiVersion: gateway.networking.k8s.io/v1
        kind: HTTPRoute
        metadata:
          name: shop
          annotations:
            external-dns.alpha.kubernetes.io/hostname: www.shop.example.com
        spec:
          parentRefs:
          - name: shared
            namespace: gateways
            sectionName: https-wildcard
          hostnames: ["shop.example.com", "*.cdn.example.com"]
          rules:
          - matches:
            - path: {type: PathPrefix, value: /api}
            backendRefs:
            - name: api
              port: 8080
            - name: bucket
              kind: Backend
              group: example.com
          - backendRefs:
            - name: web
              port: 80
        """);
  }

  @Test
  void rewritesHttpRouteHostnamesLikeIngressHostsAndCollectsRoutes() {
    Outcome out =
        new IngressHostTransform("pr-1", "{env}-{host}", Duration.ofSeconds(60))
            .apply(List.of(httpRoute()));

    assertThat(out.problems()).isEmpty();
    Map<String, Object> tree = tree(out.objects().get(0));
    assertThat((Map<String, Object>) tree.get("spec"))
        .containsEntry("hostnames", List.of("pr-1-shop.example.com", "*.pr-1-cdn.example.com"));
    assertThat(out.objects().get(0).getMetadata().getAnnotations())
        .containsEntry(
            IngressHostTransform.HOSTNAME_ANNOTATION,
            "pr-1-shop.example.com,*.pr-1-cdn.example.com,pr-1-www.shop.example.com")
        .containsEntry(IngressHostTransform.TTL_ANNOTATION, "60");
    assertThat(out.routes())
        .containsExactly(
            new Route("shop", "api", "8080", "pr-1-shop.example.com", "/api", true),
            new Route("shop", "web", "80", "pr-1-shop.example.com", "/", true));
    assertThat(out.routes().get(0).url()).hasToString("https://pr-1-shop.example.com/api");
  }

  @Test
  void rewritesGrpcRouteHostnamesAndChecksTheirLength() {
    HasMetadata grpc =
        fromYaml(
            """
            apiVersion: gateway.networking.k8s.io/v1
            kind: GRPCRoute
            metadata: {name: orders}
            spec:
              parentRefs: [{name: shared}]
              hostnames: ["orders.example.com", "%s.example.com"]
              rules:
              - matches: [{method: {service: shop.Orders}}]
                backendRefs: [{name: orders, port: 9090}]
            """
                .formatted("x".repeat(60)));
    Outcome out = new IngressHostTransform("pr-1", "{env}-{host}", null).apply(List.of(grpc));

    assertThat(out.routes())
        .contains(new Route("orders", "orders", "9090", "pr-1-orders.example.com", "/", false));
    assertThat(out.problems())
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .startsWith("GRPCRoute/orders: host \"" + "x".repeat(60) + ".example.com\"")
                    .contains("DNS label limit of 63"));
  }

  @Test
  void leavesOtherGatewayKindsAndForeignGroupsAlone() {
    HasMetadata tcp = custom("gateway.networking.k8s.io/v1alpha2", "TCPRoute", "db");
    HasMetadata foreign = custom("example.com/v1", "HTTPRoute", "x");
    Outcome out = dotted.apply(List.of(tcp, foreign));
    assertThat(out.objects()).containsExactly(tcp, foreign);
    assertThat(out.routes()).isEmpty();
  }
}
