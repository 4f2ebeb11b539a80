package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hosts checked before anything is applied: TLS certificates (in the plan, or brought in from a
 * source namespace) and OAuth2 Proxy's cookie and whitelist domains must cover the rewritten hosts.
 */
@EnableKubernetesMockClient(crud = true)
class HostChecksTest {
  private static final EnvironmentName ENV = EnvironmentName.of("pr-1");

  KubernetesClient client;

  private static String certificate(String name) {
    try (InputStream in = HostChecksTest.class.getResourceAsStream("/certs/" + name + ".crt")) {
      return Base64.getEncoder().encodeToString(in.readAllBytes());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String ingress(String host, String secret) {
    return """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          tls: [{hosts: [%s], secretName: %s}]
          rules:
          - host: %s
            http:
              paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
        """
        .formatted(host, secret, host);
  }

  private static String tlsSecret(String name, String cert) {
    return """
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: %s}
        type: kubernetes.io/tls
        data: {tls.crt: %s, tls.key: ""}
        """
        .formatted(name, certificate(cert));
  }

  @Test
  void aWildcardCoversOneLabelSoTheDottedFormatIsWarnedAbout() {
    Plan plan =
        Plan.builder(ENV)
            .source(
                ManifestSource.yaml(
                    "web.yaml",
                    ingress("api.example.com", "wildcard") + tlsSecret("wildcard", "wildcard")))
            .build();

    assertThat(plan.warnings())
        .singleElement()
        .asString()
        .contains(
            "Ingress/web: TLS host \"pr-1.api.example.com\" is not covered by the certificate in"
                + " secret wildcard",
            "its names: *.example.com",
            "with host format {env}-{host} one certificate for *.<domain> covers every"
                + " environment");

    Plan dashed =
        Plan.builder(ENV)
            .hostFormat("{env}-{host}")
            .source(
                ManifestSource.yaml(
                    "web.yaml",
                    ingress("api.example.com", "wildcard") + tlsSecret("wildcard", "wildcard")))
            .build();
    assertThat(dashed.warnings()).isEmpty();
  }

  @Test
  void strictHostsMakeAnUncoveredHostAnError() {
    assertThatThrownBy(
            () ->
                Plan.builder(ENV)
                    .strictHosts(true)
                    .source(
                        ManifestSource.yaml(
                            "web.yaml",
                            ingress("api.shop.example.com", "shop") + tlsSecret("shop", "shop")))
                    .build())
        .isInstanceOf(InvalidPlanException.class)
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .singleElement()
                    .asString()
                    .contains(
                        "\"pr-1.api.shop.example.com\"",
                        "secret shop",
                        "api.shop.example.com, shop.example.com"));
  }

  @Test
  void copiedCertificatesAreCheckedBeforeAnythingIsCreated() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("certs").endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace("certs")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("wildcard")
                .withNamespace("certs")
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", certificate("wildcard"))
                .addToData(
                    "tls.key", Base64.getEncoder().encodeToString("key-canary-91".getBytes()))
                .build())
        .create();
    Plan plan =
        Plan.builder(ENV)
            .strictHosts(true)
            .source(ManifestSource.yaml("web.yaml", ingress("api.example.com", "wildcard")))
            .build();
    Provisioner provisioner =
        Provisioner.forClient(client)
            .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
            .withoutReadinessWait()
            .withWaitTimeout(Duration.ofSeconds(10))
            .withSecrets(SecretSpec.copy("certs", "wildcard"));

    assertThatThrownBy(() -> provisioner.up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("nothing was created")
        .hasMessageContaining("\"pr-1.api.example.com\" is not covered")
        .hasMessageContaining("brought in from its source namespace")
        .hasMessageNotContaining("key-canary-91")
        .hasMessageNotContaining(certificate("wildcard").substring(0, 40));
    assertThat(client.namespaces().withName("pr-1").get()).isNull();
  }

  private static Plan.Builder protectedPgadmin() {
    return Plan.builder(ENV)
        .protect("pgadmin")
        .authHost("auth.example.com")
        .source(
            ManifestSource.yaml(
                "pgadmin.yaml",
                """
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: pgadmin}
                spec:
                  rules: [{host: pgadmin.tools.example.com}]
                """));
  }

  @Test
  void protectedHostsOutsideOAuth2ProxysDomainsExplainTheRedirectLoop() {
    Plan covered =
        protectedPgadmin()
            .oauth2ProxyDomains(
                OAuth2ProxyDomains.fromArgs(
                    List.of("--cookie-domain=.example.com", "--whitelist-domain", ".example.com")))
            .build();
    assertThat(covered.warnings()).isEmpty();

    Plan loops =
        protectedPgadmin()
            .oauth2ProxyDomains(
                OAuth2ProxyDomains.of(
                    List.of(".shop.example.com"), List.of("pgadmin.tools.example.com")))
            .build();
    assertThat(loops.warnings())
        .hasSize(2)
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("Ingress/pgadmin: protected host \"pr-1.pgadmin.tools.example.com\"")
                    .contains("cookie domains [.shop.example.com]")
                    .contains("redirect loop"))
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("whitelist domains [pgadmin.tools.example.com]")
                    .contains("--whitelist-domain=.<domain>"));
  }

  @Test
  void theDomainsAreReadFromOAuth2ProxysDeployment() {
    client
        .apps()
        .deployments()
        .inNamespace("auth")
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName("oauth2-proxy")
                .withNamespace("auth")
                .endMetadata()
                .withNewSpec()
                .withNewTemplate()
                .withNewSpec()
                .addNewContainer()
                .withName("proxy")
                .withImage("quay.example.com/oauth2-proxy/oauth2-proxy:v7.6.0")
                .withArgs("--provider=github", "--cookie-domain=.example.com")
                .addNewEnv()
                .withName("OAUTH2_PROXY_WHITELIST_DOMAINS")
                .withValue(".example.com,.example.org")
                .endEnv()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();

    OAuth2ProxyDomains domains = OAuth2ProxyDomains.read(client, "auth", null);
    assertThat(domains.cookieDomains()).containsExactly(".example.com");
    assertThat(domains.whitelistDomains()).containsExactly(".example.com", ".example.org");
    assertThat(protectedPgadmin().strictHosts(true).oauth2ProxyDomains(domains).build().warnings())
        .isEmpty();
    assertThatThrownBy(() -> OAuth2ProxyDomains.read(client, "elsewhere", null))
        .hasMessageContaining("namespace elsewhere");
  }
}
