package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * No green on the wrong images, converging re-runs, and the teardown modes, through real runs of
 * the extension on the in-process server with the controller simulator.
 */
class ConvergeAndImagesTest {
  @TempDir Path dir;
  TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  // ---- fixtures: run only through EngineTestKit --------------------------------------------

  /** Publishes the namespace's uid and the api image the environment runs. */
  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class Reports {
    @Test
    void reports(KubernetesClient client, TestReporter reporter) {
      String ns = client.getNamespace();
      reporter.publishEntry(
          Map.of(
              "uid",
              client.namespaces().withName(ns).get().getMetadata().getUid(),
              "image",
              client
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .withName("api")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage(),
              "settings",
              String.valueOf(
                  client.configMaps().inNamespace(ns).withName("settings").get() != null)));
    }
  }

  // ---- no green on the wrong images ---------------------------------------------------------

  @Test
  void anOverrideThatMatchesNoContainerFailsTheRunAndNamesTheClosestImage() {
    cluster = new TestCluster(dir);

    EngineExecutionResults results =
        cluster
            .request(Reports.class)
            .configurationParameter(PreviewEnvironment.IMAGES, "api=registry.example.com/api:2.0")
            .execute();

    results.testEvents().assertStatistics(s -> s.succeeded(0));
    Throwable failure = ClusterPreflightTest.failures(results).get(0);
    assertThat(failure).isInstanceOf(InvalidPlanException.class);
    assertThat(((InvalidPlanException) failure).problems())
        .containsExactly(
            "image override \"api=registry.example.com/api:2.0\" matches no container image in the"
                + " 5 objects (names are compared in full, registry included, without tag or"
                + " digest); closest image names: registry.example.com/shop/api. Use the name as"
                + " the manifests write it, e.g."
                + " registry.example.com/shop/api=registry.example.com/api:2.0, or set"
                + " previewenv.images.unmatched=warn to let it pass with a warning");
    assertThat(cluster.client().namespaces().withName("checkout").get())
        .as("nothing sent")
        .isNull();
  }

  @Test
  void theWarnSettingLetsSuchAnOverridePass() {
    cluster = new TestCluster(dir);

    cluster
        .request(Reports.class)
        .configurationParameter(PreviewEnvironment.IMAGES, "api=registry.example.com/api:2.0")
        .configurationParameter(PreviewEnvironment.IMAGES_UNMATCHED, "warn")
        .execute()
        .testEvents()
        .assertStatistics(s -> s.succeeded(1));
  }

  // ---- converge by default ----------------------------------------------------------------

  @Test
  void aSecondRunUpdatesTheEnvironmentInPlaceAndPrunesWhatLeft() {
    cluster = new TestCluster(dir);
    Map<String, String> first =
        only(
            cluster
                .request(Reports.class)
                .configurationParameter(PreviewEnvironment.RETENTION, "NEVER")
                .execute());

    Map<String, String> second =
        only(
            cluster
                .request(Reports.class)
                .configurationParameter(
                    PreviewEnvironment.MANIFESTS, "classpath:previewenv/shop-without-settings.yaml")
                .configurationParameter(
                    PreviewEnvironment.IMAGES, "registry.example.com/shop/api:2.0")
                .execute());

    assertThat(first).containsEntry("image", "registry.example.com/shop/api:1.0");
    assertThat(second.get("uid")).as("same namespace, not deleted").isEqualTo(first.get("uid"));
    assertThat(second)
        .containsEntry("image", "registry.example.com/shop/api:2.0")
        .containsEntry("settings", "false");
  }

  @Test
  void freshDeletesTheExistingEnvironmentFirst() {
    cluster = new TestCluster(dir);
    Map<String, String> first =
        only(
            cluster
                .request(Reports.class)
                .configurationParameter(PreviewEnvironment.RETENTION, "NEVER")
                .execute());

    Map<String, String> second =
        only(
            cluster
                .request(Reports.class)
                .configurationParameter(PreviewEnvironment.FRESH, "true")
                // the simulator does not finish deleting a namespace re-created under the same
                // name: do not wait for the final teardown
                .configurationParameter(PreviewEnvironment.TEARDOWN, "request")
                .execute());

    assertThat(second.get("uid")).isNotEqualTo(first.get("uid"));
  }

  @Test
  void anEnvironmentHeldByALiveOwnerIsNeitherUpdatedNorDeleted() {
    cluster = new TestCluster(dir);
    Map<String, String> first =
        only(
            cluster
                .request(Reports.class)
                .configurationParameter(PreviewEnvironment.RETENTION, "NEVER")
                .execute());
    ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    cluster
        .client()
        .resource(
            new LeaseBuilder()
                .withNewMetadata()
                .withName("previewenv-owner")
                .withNamespace("checkout")
                .endMetadata()
                .withNewSpec()
                .withHolderIdentity("ci-run-42")
                .withLeaseDurationSeconds(30)
                .withAcquireTime(now)
                .withRenewTime(now)
                .endSpec()
                .build())
        .create();
    cluster
        .client()
        .namespaces()
        .withName("checkout")
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put("previewenv.dev/holder", "ci-run-42");
              return n;
            });

    EngineExecutionResults results =
        cluster
            .request(Reports.class)
            .configurationParameter(PreviewEnvironment.FRESH, "true")
            .execute();

    assertThat(ClusterPreflightTest.failures(results).get(0))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageStartingWith("Environment checkout is in use: ci-run-42 holds it (since ");
    Namespace ns = cluster.client().namespaces().withName("checkout").get();
    assertThat(ns.getMetadata().getUid()).isEqualTo(first.get("uid"));
    assertThat(ns.getMetadata().getDeletionTimestamp()).isNull();
  }

  // ---- teardown modes -------------------------------------------------------------------------

  @Test
  void requestTeardownReturnsWhileTheNamespaceIsStillTerminating() {
    cluster =
        new TestCluster(
            dir,
            SimulatorOptions.builder().namespaceTerminatingFor(Duration.ofSeconds(30)).build());

    String err =
        LifecycleTest.stderrOf(
            () ->
                cluster
                    .request(Reports.class)
                    .configurationParameter(PreviewEnvironment.TEARDOWN, "request")
                    .execute()
                    .testEvents()
                    .assertStatistics(s -> s.succeeded(1)));

    Namespace ns = cluster.client().namespaces().withName("checkout").get();
    assertThat(ns).as("returned before the namespace went").isNotNull();
    assertThat(ns.getMetadata().getDeletionTimestamp()).isNotNull();
    assertThat(err).doesNotContain("kept environment");
  }

  @Test
  void aKeptEnvironmentIsAnnouncedOnce() {
    cluster = new TestCluster(dir);

    String err =
        LifecycleTest.stderrOf(
            () ->
                cluster
                    .request(Reports.class)
                    .configurationParameter(PreviewEnvironment.RETENTION, "NEVER")
                    .execute());

    assertThat(err.split("kept environment checkout", -1)).hasSize(2);
    assertThat(err).doesNotContain("Keeping environment checkout");
  }

  private static Map<String, String> only(EngineExecutionResults results) {
    results.testEvents().assertStatistics(s -> s.succeeded(1));
    List<Map<String, String>> entries = LifecycleTest.entries(results);
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }
}
