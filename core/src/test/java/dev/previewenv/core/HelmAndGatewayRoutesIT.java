package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.testing.HelmBinary;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Helm-sourced environment with Gateway API routes on a real cluster: the chart of the tests
 * rendered by a real helm for the server's version, its hook and test pod left out, an HTTPRoute
 * (from the chart) and a GRPCRoute (plain YAML) applied with their hostnames rewritten, the service
 * reached through a port-forward, and the environment torn down. The Gateway API CRDs are minimal
 * ones of this test (schema-less, {@code apiextensions.k8s.io/v1}, which 1.20 serves); they are
 * installed only where missing and removed only when this test installed them.
 */
@RealCluster
class HelmAndGatewayRoutesIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final List<String> CREATED_CRDS = new ArrayList<>();

  @BeforeAll
  static void gatewayApiCrds(KubernetesClient client) {
    for (String kind : List.of("HTTPRoute", "GRPCRoute")) {
      String plural = kind.toLowerCase() + "s";
      String name = plural + ".gateway.networking.k8s.io";
      if (client.apiextensions().v1().customResourceDefinitions().withName(name).get() != null) {
        continue;
      }
      CustomResourceDefinition crd =
          client
              .getKubernetesSerialization()
              .unmarshal(
                  """
                  apiVersion: apiextensions.k8s.io/v1
                  kind: CustomResourceDefinition
                  metadata:
                    name: %s
                    labels: {previewenv.dev/test: minimal-gateway-api}
                    # *.k8s.io groups need this; "unapproved, ..." is the accepted non-upstream form
                    annotations: {api-approved.kubernetes.io: "unapproved, minimal CRD of PreviewEnv tests"}
                  spec:
                    group: gateway.networking.k8s.io
                    scope: Namespaced
                    names: {kind: %s, listKind: %sList, plural: %s, singular: %s}
                    versions:
                    - name: v1
                      served: true
                      storage: true
                      schema:
                        openAPIV3Schema:
                          type: object
                          x-kubernetes-preserve-unknown-fields: true
                  """
                      .formatted(name, kind, kind, plural, kind.toLowerCase()),
                  CustomResourceDefinition.class);
      client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
      CREATED_CRDS.add(name);
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .withName(name)
          .waitUntilCondition(
              c ->
                  c != null
                      && c.getStatus() != null
                      && c.getStatus().getConditions() != null
                      && c.getStatus().getConditions().stream()
                          .anyMatch(
                              s ->
                                  s.getType().equals("Established")
                                      && s.getStatus().equals("True")),
              60,
              TimeUnit.SECONDS);
    }
  }

  @AfterAll
  static void removeCrdsWeInstalled(KubernetesClient client) {
    for (String name : CREATED_CRDS) {
      client.apiextensions().v1().customResourceDefinitions().withName(name).delete();
    }
  }

  @Test
  void bringsUpAHelmSourcedEnvironmentWithRewrittenRoutesAndTearsItDown(KubernetesClient client) {
    Path helm = HelmBinary.require();
    Path chart = HelmBinary.shopChart();
    EnvironmentName env = EnvironmentName.forBranch("it/helm-" + RUN);
    String ns = env.value();
    String serverVersion = client.getKubernetesVersion().getGitVersion();
    Plan plan =
        Plan.builder(env)
            .kubeVersion(serverVersion)
            .hostFormat("{env}-{host}")
            .source(
                ManifestSource.helm(
                    HelmChart.of(chart)
                        .withHelm(Helm.binary(helm))
                        .withValues(chart.resolve("values-preview.yaml"))
                        .withSet("gateway.enabled", "true")
                        .withSetString("greeting", "hello-from-helm")),
                ManifestSource.yaml(
                    "grpc.yaml",
                    """
                    apiVersion: gateway.networking.k8s.io/v1
                    kind: GRPCRoute
                    metadata: {name: orders}
                    spec:
                      parentRefs: [{name: shared, namespace: gateways}]
                      hostnames: [orders.shop.example.com]
                      rules:
                      - backendRefs: [{name: shop-api, port: 8080}]
                    """))
            .build();
    assertThat(plan.warnings())
        .anySatisfy(w -> assertThat(w).contains("Job/shop-api-migrate"))
        .anySatisfy(w -> assertThat(w).contains("Pod/shop-api-test"));

    Provisioner provisioner =
        Provisioner.forClient(client)
            .withOwner("it-" + RUN)
            .withApplyStrategy(ApplyStrategy.SERVER_SIDE)
            .withAccess(Access.PORT_FORWARD)
            .withReadinessTimeout(Duration.ofSeconds(90))
            .withWaitTimeout(Duration.ofSeconds(120));
    try (Preview preview = provisioner.up(plan)) {
      assertThat(httpGet(preview.url("shop-api"))).contains("hello-from-helm");

      var deployment = client.apps().deployments().inNamespace(ns).withName("shop-api").get();
      assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsEntry("kube-version", serverVersion);
      assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
      assertThat(client.pods().inNamespace(ns).withName("shop-api-test").get()).isNull();

      GenericKubernetesResource http =
          client
              .genericKubernetesResources(route("HTTPRoute"))
              .inNamespace(ns)
              .withName("shop-api")
              .get();
      assertThat((Map<String, Object>) http.getAdditionalProperties().get("spec"))
          .containsEntry("hostnames", List.of(ns + "-api.shop.example.com"));
      assertThat(http.getMetadata().getAnnotations())
          .containsEntry("external-dns.alpha.kubernetes.io/hostname", ns + "-api.shop.example.com");
      GenericKubernetesResource grpc =
          client
              .genericKubernetesResources(route("GRPCRoute"))
              .inNamespace(ns)
              .withName("orders")
              .get();
      assertThat((Map<String, Object>) grpc.getAdditionalProperties().get("spec"))
          .containsEntry("hostnames", List.of(ns + "-orders.shop.example.com"));
      assertThat(preview.routes())
          .extracting(Route::ingress, Route::host)
          .contains(
              org.assertj.core.groups.Tuple.tuple("shop-api", ns + "-api.shop.example.com"),
              org.assertj.core.groups.Tuple.tuple("orders", ns + "-orders.shop.example.com"));
    } finally {
      provisioner.down(env);
    }
    assertThat(client.namespaces().withName(ns).get()).isNull();
  }

  private static ResourceDefinitionContext route(String kind) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("gateway.networking.k8s.io")
        .withVersion("v1")
        .withKind(kind)
        .withPlural(kind.toLowerCase() + "s")
        .withNamespaced(true)
        .build();
  }

  private static String httpGet(URI uri) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
