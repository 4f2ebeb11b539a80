package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.ApplyStrategy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class AppliersTest {
  KubernetesMockServer server;
  KubernetesClient client;

  @BeforeEach
  void namespace() {
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName("env").endMetadata().build())
        .create();
  }

  private static ConfigMap configMap(String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName("settings")
        .withNamespace("env")
        .endMetadata()
        .addToData("k", value)
        .build();
  }

  @Test
  void serverSideApplySendsApplyPatchWithFieldManagerAndForce() throws Exception {
    try {
      Applier.of(ApplyStrategy.SERVER_SIDE, client).apply(configMap("v"));
    } catch (KubernetesClientException expected) {
      // the in-process server cannot apply; the request is what is checked here
    }

    RecordedRequest request = server.getLastRequest();
    assertThat(request.getMethod()).isEqualTo("PATCH");
    assertThat(request.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
    assertThat(request.getPath())
        .startsWith("/api/v1/namespaces/env/configmaps/settings?")
        .contains("fieldManager=previewenv")
        .contains("force=true");
  }

  @Test
  void autoFallsBackToCreateOrUpdateWhenServerCannotApply() {
    ProbingApplier auto = (ProbingApplier) Applier.of(ApplyStrategy.AUTO, client);

    auto.apply(configMap("one"));
    assertThat(auto.chosen()).isInstanceOf(CreateOrUpdateApplier.class);
    auto.apply(configMap("two"));

    ConfigMap stored = client.configMaps().inNamespace("env").withName("settings").get();
    assertThat(stored.getData()).containsEntry("k", "two");
    assertThat(client.configMaps().inNamespace("env").list().getItems()).hasSize(1);
  }

  @Test
  void autoFallsBackOn415ForExistingObject() {
    client.resource(configMap("existing")).create();
    ProbingApplier auto = (ProbingApplier) Applier.of(ApplyStrategy.AUTO, client);

    auto.apply(configMap("updated"));

    assertThat(auto.chosen()).isInstanceOf(CreateOrUpdateApplier.class);
    assertThat(client.configMaps().inNamespace("env").withName("settings").get().getData())
        .containsEntry("k", "updated");
  }
}
