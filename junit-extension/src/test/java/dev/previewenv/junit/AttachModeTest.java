package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class AttachModeTest {
  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir);
    KubernetesClient c = cluster.client();
    c.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("shop-pr-7").endMetadata().build())
        .create();
    for (String[] svc :
        new String[][] {{"catalog", "8080", "10.43.0.17"}, {"order-api", "9090", "10.43.0.18"}}) {
      c.services()
          .inNamespace("shop-pr-7")
          .resource(
              new ServiceBuilder()
                  .withNewMetadata()
                  .withName(svc[0])
                  .endMetadata()
                  .withNewSpec()
                  .withClusterIP(svc[2])
                  .addNewPort()
                  .withPort(Integer.parseInt(svc[1]))
                  .endPort()
                  .endSpec()
                  .build())
          .create();
    }
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class InCluster {
    @Test
    void urls(
        KubernetesClient client,
        @ServiceUrl("catalog") URI catalog,
        @ServiceUrl("order-api") String orders,
        TestReporter reporter) {
      reporter.publishEntry(
          Map.of(
              "catalog", catalog.toString(),
              "orders", orders,
              "sees",
                  Boolean.toString(
                      client.services().inNamespace("shop-pr-7").list().getItems().size() == 2)));
    }
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class WantsPreview {
    @Test
    void test(Preview preview) {}
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class UnknownService {
    @Test
    void test(@ServiceUrl("payments") URI payments) {}
  }

  private EngineExecutionResults attach(Class<?> fixture, Map<String, String> extra) {
    var request =
        cluster.request(fixture).configurationParameter(PreviewEnvironment.NAMESPACE, "shop-pr-7");
    extra.forEach(request::configurationParameter);
    return request.execute();
  }

  @Test
  void usesInClusterDnsNamesAndNeitherProvisionsNorTearsDown() {
    EngineExecutionResults results = attach(InCluster.class, Map.of());

    results.testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(LifecycleTest.entries(results).get(0))
        .containsEntry("catalog", "http://catalog.shop-pr-7.svc.cluster.local:8080")
        .containsEntry("orders", "http://order-api.shop-pr-7.svc.cluster.local:9090")
        .containsEntry("sees", "true");
    assertThat(cluster.client().namespaces().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("shop-pr-7");
    assertThat(
            cluster
                .client()
                .namespaces()
                .withName("shop-pr-7")
                .get()
                .getMetadata()
                .getDeletionTimestamp())
        .isNull();
  }

  @Test
  void prefersServiceUrlVariablesThenClusterIpWithoutDns() {
    EngineExecutionResults results =
        attach(
            InCluster.class,
            Map.of(
                PreviewEnvironment.SERVICE_URL_PREFIX + "catalog",
                "http://catalog.internal:1234",
                PreviewEnvironment.ATTACH_DNS,
                "false"));

    results.testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(LifecycleTest.entries(results).get(0))
        .containsEntry("catalog", "http://catalog.internal:1234")
        .containsEntry("orders", "http://10.43.0.18:9090");
  }

  @Test
  void previewCannotBeInjectedInAttachModeAndTheMessageSaysWhatToUse() {
    attach(WantsPreview.class, Map.of())
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                finishedWithFailure(
                    instanceOf(ParameterResolutionException.class),
                    message(
                        m -> m.contains("attach mode") && m.contains("inject KubernetesClient")))));
  }

  @Test
  void unknownServiceListsTheServicesOfTheNamespace() {
    attach(UnknownService.class, Map.of())
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                finishedWithFailure(
                    instanceOf(ParameterResolutionException.class),
                    message(
                        m ->
                            m.contains("PREVIEWENV_SERVICE_URL_PAYMENTS")
                                && m.contains("services in the namespace: catalog, order-api")))));
  }
}
