package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's examples of protection providers and host checks, as they are printed there (the
 * Helm example runs in {@link HelmSourceTest}).
 */
class ReadmeStacksExampleTest {
  private final EnvironmentName env = EnvironmentName.of("pr-1");

  private final ManifestSource ingresses =
      ManifestSource.yaml(
          "tools.yaml",
          """
          apiVersion: networking.k8s.io/v1
          kind: Ingress
          metadata: {name: pgadmin}
          spec:
            rules: [{host: pgadmin.example.com}]
          """);
  private final ManifestSource routes =
      ManifestSource.yaml(
          "routes.yaml",
          """
          apiVersion: gateway.networking.k8s.io/v1
          kind: HTTPRoute
          metadata: {name: pgadmin}
          spec:
            hostnames: [pgadmin.example.com]
            rules: [{backendRefs: [{name: pgadmin, port: 80}]}]
          """);

  @Test
  void everyProviderExampleBuilds() {
    ManifestSource manifests = ingresses;
    Plan nginx =
        Plan.builder(env)
            .source(manifests)
            .protect("pgadmin")
            .protection(Protection.INGRESS_NGINX) // default: auth-url/auth-signin annotations
            .authHost("auth.example.com")
            .build();
    Plan traefik =
        Plan.builder(env)
            .source(manifests)
            .protect("pgadmin")
            .protection(
                Protection.TRAEFIK) // ForwardAuth Middleware + router.middlewares annotation
            .authHost("auth.example.com")
            .build();
    manifests = routes;
    Plan envoy =
        Plan.builder(env)
            .source(manifests)
            .protect("pgadmin") // an HTTPRoute or GRPCRoute
            .protection(
                Protection.ENVOY_GATEWAY) // SecurityPolicy with extAuth, targeting the routes
            .oauth2ProxyService("auth/oauth2-proxy:4180") // needs a ReferenceGrant in "auth"
            .build();
    assertThat(nginx.objects()).hasSize(1);
    assertThat(traefik.objects()).extracting(o -> o.getKind()).contains("Middleware");
    assertThat(envoy.objects()).extracting(o -> o.getKind()).contains("SecurityPolicy");
  }

  @Test
  void theHostCheckExampleBuilds() {
    ManifestSource manifests = ingresses;
    OAuth2ProxyDomains domains =
        OAuth2ProxyDomains.of(List.of(".example.com"), List.of(".example.com"));
    Plan plan =
        Plan.builder(env)
            .source(manifests)
            .protect("pgadmin")
            .authHost("auth.example.com")
            .hostFormat("{env}-{host}") // *.example.com then covers pr-1-api.example.com
            .oauth2ProxyDomains(domains) // or OAuth2ProxyDomains.read(client, "auth", null)
            .strictHosts(true) // errors instead of warnings
            .build();
    assertThat(plan.warnings()).isEmpty();
  }
}
