package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Route;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngressHostTransformTest {
  private final IngressHostTransform dotted = new IngressHostTransform("pr-1", null, null);

  @Test
  void prefixesRuleAndTlsHostsAndSetsExternalDns() {
    Ingress in = ingress("api", "api.example.com", "api-svc");
    Outcome out = dotted.apply(List.of(in));

    Ingress result = (Ingress) out.objects().get(0);
    assertThat(out.problems()).isEmpty();
    assertThat(result.getSpec().getRules().get(0).getHost()).isEqualTo("pr-1.api.example.com");
    assertThat(result.getSpec().getTls().get(0).getHosts()).containsExactly("pr-1.api.example.com");
    assertThat(result.getMetadata().getAnnotations())
        .containsEntry(IngressHostTransform.HOSTNAME_ANNOTATION, "pr-1.api.example.com")
        .doesNotContainKey(IngressHostTransform.TTL_ANNOTATION);
    assertThat(in.getSpec().getRules().get(0).getHost()).isEqualTo("api.example.com");
    assertThat(out.routes())
        .containsExactly(new Route("api", "api-svc", "80", "pr-1.api.example.com", "/", true));
  }

  @Test
  void usesTheConfiguredFormatAndTtl() {
    Outcome out =
        new IngressHostTransform("pr-1", "{env}-{host}", Duration.ofSeconds(30))
            .apply(List.of(ingress("api", "api.example.com", "api")));
    Ingress result = (Ingress) out.objects().get(0);
    assertThat(result.getSpec().getRules().get(0).getHost()).isEqualTo("pr-1-api.example.com");
    assertThat(result.getMetadata().getAnnotations())
        .containsEntry(IngressHostTransform.HOSTNAME_ANNOTATION, "pr-1-api.example.com")
        .containsEntry(IngressHostTransform.TTL_ANNOTATION, "30");
  }

  @Test
  void rewritesHostsAlreadyListedForExternalDnsAndJoinsThemAll() {
    Ingress in =
        fromYaml(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
              annotations:
                external-dns.alpha.kubernetes.io/hostname: www.example.com
            spec:
              rules:
              - host: example.com
                http:
                  paths:
                  - path: /api
                    pathType: Prefix
                    backend: {service: {name: api, port: {name: http}}}
              - http:
                  paths:
                  - backend: {service: {name: fallback, port: {number: 80}}}
                    pathType: Prefix
                    path: /
            """);
    Outcome out = dotted.apply(List.of(in));
    Ingress result = (Ingress) out.objects().get(0);
    assertThat(result.getMetadata().getAnnotations())
        .containsEntry(
            IngressHostTransform.HOSTNAME_ANNOTATION, "pr-1.example.com,pr-1.www.example.com");
    assertThat(out.routes())
        .containsExactly(new Route("web", "api", "http", "pr-1.example.com", "/api", false));
  }

  @Test
  void handlesBetaIngressesAndWildcardTls() {
    HasMetadata beta =
        fromYaml(
            """
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata: {name: old}
            spec:
              tls: [{hosts: ["*.example.com"]}]
              rules:
              - host: app.example.com
                http:
                  paths:
                  - backend: {serviceName: app, servicePort: 8080}
            """);
    Outcome out = new IngressHostTransform("pr-1", "{env}-{host}", null).apply(List.of(beta));
    assertThat(out.problems()).isEmpty();
    assertThat(yaml(out.objects().get(0)))
        .contains("host: \"pr-1-app.example.com\"", "- \"*.pr-1-example.com\"");
    assertThat(out.routes())
        .containsExactly(new Route("old", "app", "8080", "pr-1-app.example.com", "/", false));
  }

  @Test
  void reportsTooLongLabelsAndHostsNamingIngressHostAndLimit() {
    String longLabel = "a".repeat(60);
    String longHost = ("b".repeat(40) + ".").repeat(6) + "example.com";
    Outcome out =
        new IngressHostTransform("feature-branch", "{env}-{host}", null)
            .apply(
                List.of(
                    ingress("one", longLabel + ".example.com", "s"),
                    ingress("two", longHost, "s"),
                    ingress("three", "Bad_Host.example.com", "s")));
    assertThat(out.problems()).hasSize(3);
    assertThat(out.problems().get(0))
        .contains("Ingress/one", longLabel + ".example.com", "63", "75 characters");
    assertThat(out.problems().get(1)).contains("Ingress/two", longHost, "253");
    assertThat(out.problems().get(2)).contains("Ingress/three", "not a valid DNS label");
  }

  @Test
  void refusesBadFormatsAndTtls() {
    assertThatThrownBy(() -> new IngressHostTransform("e", "{host}", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"{host}\"")
        .hasMessageContaining("{env}.{host}");
    assertThatThrownBy(() -> new IngressHostTransform("e", "{env}.{domain}", null))
        .hasMessageContaining("unknown placeholder {domain}");
    assertThatThrownBy(() -> new IngressHostTransform("e", null, Duration.ofMillis(1500)))
        .hasMessageContaining("whole seconds");
  }
}
