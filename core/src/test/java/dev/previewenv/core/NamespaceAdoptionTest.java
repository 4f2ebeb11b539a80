package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.Namespaces;
import io.fabric8.kubernetes.api.model.LimitRangeSpecBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpecBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NamespaceAdoptionTest {
  KubernetesClient client;

  private Provisioner provisioner() {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(5));
  }

  private void createNamespace(String name, Map<String, String> labels) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .build())
        .create();
  }

  @Test
  void createsNamespaceWithLabelsAndAnnotations() {
    Plan plan = plan("feature/Login-Fix", configMap("settings", "k", "v"));

    Preview preview = provisioner().withOwner("ci-run-42").withTtl(Duration.ofHours(2)).up(plan);

    Namespace ns = client.namespaces().withName(preview.namespace()).get();
    assertThat(ns.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "previewenv")
        .containsEntry("previewenv.dev/environment", plan.environment().value());
    Map<String, String> a = ns.getMetadata().getAnnotations();
    assertThat(a)
        .containsEntry("previewenv.dev/branch", "feature/Login-Fix")
        .containsEntry("previewenv.dev/owner", "ci-run-42")
        .containsEntry("previewenv.dev/applied-kinds", "v1/ConfigMap");
    Instant created = Instant.parse(a.get("previewenv.dev/created-at"));
    Instant expires = Instant.parse(a.get("previewenv.dev/expires-at"));
    assertThat(Duration.between(created, expires)).isEqualTo(Duration.ofHours(2));
    assertThat(a.get("previewenv.dev/expires-at")).endsWith("Z");
    assertThat(client.configMaps().inNamespace(preview.namespace()).withName("settings").get())
        .isNotNull();
  }

  @Test
  void refusesUnlabelledNamespace() {
    Plan plan = plan("team-a", configMap("settings", "k", "v"));
    createNamespace(plan.namespace(), Map.of());

    assertThatThrownBy(() -> provisioner().up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Refusing to adopt namespace team-a")
        .hasMessageContaining("has no app.kubernetes.io/managed-by label");
    assertThat(client.configMaps().inNamespace("team-a").list().getItems()).isEmpty();
    assertThat(client.namespaces().withName("team-a").get().getMetadata().getAnnotations())
        .isNullOrEmpty();
  }

  @Test
  void refusesNamespaceLabelledByAnotherTool() {
    Plan plan = plan("team-b", configMap("settings", "k", "v"));
    createNamespace(plan.namespace(), Map.of("app.kubernetes.io/managed-by", "Helm"));

    assertThatThrownBy(() -> provisioner().up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("it is managed by Helm");
    assertThat(client.configMaps().inNamespace("team-b").list().getItems()).isEmpty();
  }

  @Test
  void refusesNamespaceOfAnotherEnvironment() {
    Plan plan = plan("team-c", configMap("settings", "k", "v"));
    createNamespace(plan.namespace(), Keys.labels("something-else"));

    assertThatThrownBy(() -> provisioner().up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("belongs to PreviewEnv environment something-else");
    assertThat(client.configMaps().inNamespace("team-c").list().getItems()).isEmpty();
  }

  @Test
  void refusesKubernetesOwnNamespacesEvenWhenLabelled() {
    createNamespace("kube-system", Keys.labels("kube-system"));
    createNamespace("default", Keys.labels("default"));
    Namespaces namespaces = new Namespaces(client);

    for (String name : new String[] {"default", "kube-system", "kube-public", "kube-node-lease"}) {
      assertThatThrownBy(() -> namespaces.checkAdoptable(name, name))
          .hasMessageContaining("belongs to Kubernetes itself");
    }
    assertThatThrownBy(() -> namespaces.requestDeletion("kube-system", "kube-system"))
        .hasMessageContaining("Refusing to delete namespace kube-system");
    assertThatThrownBy(() -> namespaces.deleteAndWait("default", "default", Duration.ofSeconds(1)))
        .hasMessageContaining("Refusing to delete namespace default");
    assertThat(client.namespaces().withName("kube-system").get()).isNotNull();
    assertThat(client.namespaces().withName("default").get()).isNotNull();
  }

  @Test
  void adoptsOwnNamespaceKeepingCreationTimeAndRenewingExpiry() {
    Plan plan = plan("team-d", configMap("settings", "k", "v"));
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(plan.namespace())
                .withLabels(Keys.labels(plan.namespace()))
                .addToAnnotations("previewenv.dev/created-at", "2020-01-01T00:00:00Z")
                .addToAnnotations("previewenv.dev/expires-at", "2020-01-01T04:00:00Z")
                .endMetadata()
                .build())
        .create();
    String uid = client.namespaces().withName("team-d").get().getMetadata().getUid();

    provisioner().withTtl(Duration.ofHours(1)).up(plan);

    Namespace ns = client.namespaces().withName("team-d").get();
    assertThat(ns.getMetadata().getUid()).isEqualTo(uid);
    assertThat(ns.getMetadata().getAnnotations())
        .containsEntry("previewenv.dev/created-at", "2020-01-01T00:00:00Z");
    assertThat(Instant.parse(ns.getMetadata().getAnnotations().get("previewenv.dev/expires-at")))
        .isAfter(Instant.now().plus(Duration.ofMinutes(50)));
    assertThat(client.configMaps().inNamespace("team-d").withName("settings").get()).isNotNull();
  }

  @Test
  void createsQuotaAndLimitRange() {
    Plan plan = plan("team-e", configMap("settings", "k", "v"));

    provisioner()
        .withQuota(new ResourceQuotaSpecBuilder().addToHard("pods", new Quantity("20")).build())
        .withLimitRange(
            new LimitRangeSpecBuilder()
                .addNewLimit()
                .withType("Container")
                .addToDefault("memory", new Quantity("256Mi"))
                .endLimit()
                .build())
        .up(plan);

    assertThat(
            client
                .resourceQuotas()
                .inNamespace("team-e")
                .withName("previewenv")
                .get()
                .getSpec()
                .getHard())
        .containsEntry("pods", new Quantity("20"));
    assertThat(
            client
                .limitRanges()
                .inNamespace("team-e")
                .withName("previewenv")
                .get()
                .getSpec()
                .getLimits())
        .hasSize(1);
  }
}
