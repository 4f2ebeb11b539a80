package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.deployment;
import static dev.previewenv.core.TestPlans.plan;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConvergenceTest {
  KubernetesClient client;

  private Provisioner provisioner() {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.AUTO)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(5));
  }

  @Test
  void secondUpUpdatesInPlacePrunesRemovedAndCreatesNothingTwice() {
    Provisioner p = provisioner();
    p.up(
        plan(
            "feature-conv",
            configMap("a", "k", "1"),
            configMap("b", "k", "1"),
            deployment("api", "api:1")));
    String apiUid =
        client
            .apps()
            .deployments()
            .inNamespace("feature-conv")
            .withName("api")
            .get()
            .getMetadata()
            .getUid();
    String aUid =
        client.configMaps().inNamespace("feature-conv").withName("a").get().getMetadata().getUid();

    p.up(plan("feature-conv", configMap("a", "k", "2"), deployment("api", "api:2")));

    assertThat(
            client
                .configMaps()
                .inNamespace("feature-conv")
                .withLabel("previewenv.dev/environment", "feature-conv")
                .list()
                .getItems())
        .extracting(c -> c.getMetadata().getName())
        .containsExactly("a");
    assertThat(client.configMaps().inNamespace("feature-conv").withName("a").get().getData())
        .containsEntry("k", "2");
    assertThat(
            client
                .configMaps()
                .inNamespace("feature-conv")
                .withName("a")
                .get()
                .getMetadata()
                .getUid())
        .isEqualTo(aUid);
    Deployment api = client.apps().deployments().inNamespace("feature-conv").withName("api").get();
    assertThat(api.getMetadata().getUid()).isEqualTo(apiUid);
    assertThat(api.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("api:2");
    assertThat(client.apps().deployments().inNamespace("feature-conv").list().getItems())
        .hasSize(1);
  }

  @Test
  void pruneFindsKindsThatLeftThePlanAndSparesUnlabelledObjects() {
    Provisioner p = provisioner();
    p.up(plan("feature-kinds", configMap("a", "k", "1"), deployment("api", "api:1")));
    client
        .configMaps()
        .inNamespace("feature-kinds")
        .resource(
            new ConfigMapBuilder().withNewMetadata().withName("made-by-hand").endMetadata().build())
        .create();

    p.up(plan("feature-kinds", deployment("api", "api:1")));

    assertThat(client.configMaps().inNamespace("feature-kinds").withName("a").get()).isNull();
    assertThat(client.configMaps().inNamespace("feature-kinds").withName("made-by-hand").get())
        .isNotNull();
    assertThat(client.namespaces().withName("feature-kinds").get().getMetadata().getAnnotations())
        .containsEntry("previewenv.dev/applied-kinds", "apps/v1/Deployment");
  }
}
