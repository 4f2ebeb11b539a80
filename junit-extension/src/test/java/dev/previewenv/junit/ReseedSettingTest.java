package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * {@link PreviewEnvironment#RESEED}: a re-run on the same environment does not seed again unless
 * the setting asks, through real runs of the extension on the in-process server with the controller
 * simulator (whose Job pods exit 0).
 */
class ReseedSettingTest {
  @TempDir Path dir;
  TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Publishes the uid of the seed Job the environment ran. */
  @PreviewEnvironment(manifests = "classpath:previewenv/shop-with-seed.yaml")
  static class Seeded {
    @Test
    void reports(KubernetesClient client, TestReporter reporter) {
      reporter.publishEntry(
          "seedJob",
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(client.getNamespace())
              .withName("seed-shop")
              .get()
              .getMetadata()
              .getUid());
    }
  }

  private String run(String reseed) {
    var request =
        cluster.request(Seeded.class).configurationParameter(PreviewEnvironment.RETENTION, "NEVER");
    if (reseed != null) {
      request = request.configurationParameter(PreviewEnvironment.RESEED, reseed);
    }
    EngineExecutionResults results = request.execute();
    results.testEvents().assertStatistics(s -> s.succeeded(1));
    List<Map<String, String>> entries = LifecycleTest.entries(results);
    assertThat(entries).hasSize(1);
    return entries.get(0).get("seedJob");
  }

  @Test
  void aReRunDoesNotSeedAgainUnlessReseedIsTrue() {
    cluster = new TestCluster(dir);

    String first = run(null);
    String second = run("false");
    String third = run("true");

    assertThat(first).isNotBlank();
    assertThat(second).as("recorded as done: not run again").isEqualTo(first);
    assertThat(third).as("previewenv.reseed=true: run again").isNotEqualTo(first);
  }

  @Test
  void aReseedValueThatIsNotABooleanIsAConfigurationProblem() {
    cluster = new TestCluster(dir);

    EngineExecutionResults results =
        cluster
            .request(Seeded.class)
            .configurationParameter(PreviewEnvironment.RESEED, "yes")
            .execute();

    results.testEvents().assertStatistics(s -> s.succeeded(0));
    assertThat(ClusterPreflightTest.failures(results).get(0))
        .hasMessageContaining(PreviewEnvironment.RESEED)
        .hasMessageContaining("\"yes\"");
  }
}
