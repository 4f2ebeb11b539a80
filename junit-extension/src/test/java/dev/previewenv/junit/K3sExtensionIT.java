package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * Runs a small annotated suite on the embedded k3s cluster, end to end: k3s started, a local image
 * side-loaded, the environment provisioned, injected, torn down. Skipped, with the reason, where
 * Docker or the k3s image is missing (the image is never pulled).
 */
class K3sExtensionIT {
  static final String IMAGE =
      Optional.ofNullable(System.getenv("PREVIEWENV_K3S_IMAGE"))
          .orElse(PreviewEnvironment.DEFAULT_K3S_IMAGE);
  static final String LOCAL_IMAGE = "previewenv/busybox:1";

  @BeforeAll
  static void requireDockerAndK3sImage() {
    Optional<String> reason =
        K3sProvider.unavailableReason(IMAGE)
            .or(() -> K3sProvider.unavailableReason(LOCAL_IMAGE).map(r -> "to side-load: " + r));
    // failsafe's log shows a skipped class without its reason: say it where it is read
    reason.ifPresent(r -> System.err.println("SKIPPED K3sExtensionIT: " + r));
    Assumptions.assumeTrue(reason.isEmpty(), () -> "Skipping the k3s IT: " + reason.orElse(""));
  }

  @PreviewEnvironment(
      manifests = "classpath:previewenv/k3s-app.yaml",
      images = "busybox=" + LOCAL_IMAGE,
      readinessTimeout = "none",
      retention = PreviewEnvironment.Retention.ALWAYS)
  static class Suite {
    @Test
    void runsOnK3s(
        Preview preview,
        KubernetesClient client,
        @ServiceUrl("sleeper") URI url,
        TestReporter reporter) {
      Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
      String phase = "none";
      while (Instant.now().isBefore(deadline)) {
        List<Pod> pods = client.pods().inNamespace(preview.namespace()).list().getItems();
        phase = pods.isEmpty() ? "no pod" : pods.get(0).getStatus().getPhase();
        if ("Running".equals(phase)) {
          break;
        }
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      reporter.publishEntry(
          Map.of("namespace", preview.namespace(), "phase", phase, "url", url.toString()));
    }
  }

  @Test
  void provisionsInjectsAndTearsDownOnEmbeddedK3s(@TempDir Path dir) {
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .selectors(DiscoverySelectors.selectClass(Suite.class))
            .configurationParameter(
                PreviewEnvironment.CLUSTER_PROVIDER, K3sProvider.class.getName())
            .configurationParameter(PreviewEnvironment.K3S_IMAGE, IMAGE)
            .configurationParameter(PreviewEnvironment.BRANCH, "k3s-it")
            .configurationParameter(PreviewEnvironment.DIAGNOSTICS_DIR, dir.toString())
            .execute();

    results.testEvents().assertStatistics(s -> s.succeeded(1));
    assertThat(LifecycleTest.entries(results).get(0))
        .containsEntry("namespace", "k3s-it")
        .containsEntry("phase", "Running")
        .containsEntry("url", "http://k3s-it.sleeper.example.com/");
  }
}
