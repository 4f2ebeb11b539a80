package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class NamespaceDeletionTest {
  KubernetesClient client;

  private Namespace create(String name, Map<String, String> labels) {
    return client
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

  private boolean exists(String name) {
    return client.namespaces().withName(name).get() != null;
  }

  @Test
  void deletesListedNamespaceThatChangedSinceAfterCheckingItAgain() {
    Namespace listed = create("env-a", Keys.labels("env-a"));
    client
        .namespaces()
        .withName("env-a")
        .edit(
            n -> {
              n.getMetadata().getLabels().put("team", "payments");
              return n;
            });

    boolean deleted = new Namespaces(client).requestDeletion(listed, "env-a");

    assertThat(deleted).isTrue();
    assertThat(exists("env-a")).isFalse();
  }

  @Test
  void reportsListedNamespaceThatIsAlreadyGoneAsNotDeleted() {
    Namespace listed = create("env-c", Keys.labels("env-c"));
    client.namespaces().withName("env-c").delete();

    assertThat(new Namespaces(client).requestDeletion(listed, "env-c")).isFalse();
  }

  @Test
  void deleteAndWaitReturnsAtOnceWhenTheNamespaceIsAlreadyGone() {
    new Namespaces(client).deleteAndWait("never-created", "never-created", Duration.ofSeconds(1));

    assertThat(exists("never-created")).isFalse();
  }

  @Test
  void deleteAndWaitDeletesAndSeesTheNamespaceGo() {
    create("env-d", Keys.labels("env-d"));

    new Namespaces(client).deleteAndWait("env-d", "env-d", Duration.ofSeconds(30));

    assertThat(exists("env-d")).isFalse();
  }

  @Test
  void waitsForATerminatingNamespaceUntilItsDeletionEventArrives() throws Exception {
    Namespace terminating =
        new NamespaceBuilder()
            .withNewMetadata()
            .withName("env-e")
            .withLabels(Keys.labels("env-e"))
            .endMetadata()
            .withNewStatus()
            .withPhase("Terminating")
            .endStatus()
            .build();
    client.namespaces().resource(terminating).create();
    Namespaces namespaces = new Namespaces(client);

    CompletableFuture<Void> waiting =
        CompletableFuture.runAsync(
            () -> namespaces.deleteAndWait("env-e", "env-e", Duration.ofSeconds(30)));
    // the namespace controller's part: remove it once the wait is under way
    for (int i = 0; i < 100 && !waiting.isDone(); i++) {
      Thread.sleep(20);
    }
    assertThat(waiting).isNotDone(); // a Terminating namespace is waited for, not deleted again
    client.namespaces().withName("env-e").delete();

    waiting.get(); // ends by the watch event (or fails with the stuck message after 30 s)
    assertThat(exists("env-e")).isFalse();
  }

  @Test
  void recordsTheAppliedKindsWhenCreatingTheNamespace() {
    Namespaces namespaces = new Namespaces(client);

    Namespaces.Ensured ensured =
        namespaces.ensure(
            null,
            new Namespaces.Claim(
                "env-f",
                "env-f",
                "feature/f",
                "ci",
                Instant.parse("2030-01-01T00:00:00Z"),
                Duration.ofHours(1),
                Map.of(),
                Map.of(),
                Set.of("v1/ConfigMap", "apps/v1/Deployment"),
                null),
            Duration.ofSeconds(5),
            ns -> {});

    assertThat(ensured.created()).isTrue();
    assertThat(ensured.recordedKinds()).containsExactly("apps/v1/Deployment", "v1/ConfigMap");
    assertThat(namespaces.recordedKinds("env-f"))
        .containsExactly("apps/v1/Deployment", "v1/ConfigMap");
  }

  @Test
  void adoptionAddsThePlanKindsToThoseRecordedBefore() {
    Namespaces namespaces = new Namespaces(client);
    Instant now = Instant.parse("2030-01-01T00:00:00Z");
    namespaces.ensure(
        null,
        new Namespaces.Claim(
            "env-g",
            "env-g",
            "b",
            "ci",
            now,
            Duration.ofHours(1),
            Map.of(),
            Map.of(),
            Set.of("v1/Service"),
            null),
        Duration.ofSeconds(5),
        ns -> {});

    Namespaces.Ensured again =
        namespaces.ensure(
            namespaces.checkAdoptable("env-g", "env-g"),
            new Namespaces.Claim(
                "env-g",
                "env-g",
                "b",
                "ci",
                now,
                Duration.ofHours(1),
                Map.of(),
                Map.of(),
                Set.of("v1/ConfigMap"),
                null),
            Duration.ofSeconds(5),
            ns -> {});

    assertThat(again.created()).isFalse();
    assertThat(again.recordedKinds()).containsExactly("v1/ConfigMap", "v1/Service");
  }
}
