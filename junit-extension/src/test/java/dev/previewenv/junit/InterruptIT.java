package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.testing.SimulatorOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * (An IT: child JVMs take ~25 s each on two shared cores; no cluster or Docker needed.) SIGTERM
 * (what Ctrl-C's SIGINT also triggers: the JVM's shutdown hooks) during provisioning and during the
 * tests: a child JVM runs the extension against the in-process server of this one and is
 * terminated; it must say what is happening, tear down per retention, and say what is left.
 */
class InterruptIT {
  @TempDir Path dir;
  TestCluster cluster;

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Blocks until the JVM is terminated. */
  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class BlocksUntilTerminated {
    @Test
    void blocks() throws InterruptedException {
      System.out.println("PREVIEWENV-TEST-RUNNING");
      System.out.flush();
      Thread.sleep(120_000);
    }
  }

  /** The child JVM: {@code <kubeconfig> <readiness timeout> <retention>}. */
  public static void main(String[] args) {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(BlocksUntilTerminated.class))
        .configurationParameter(PreviewEnvironment.KUBECONFIG, args[0])
        .configurationParameter(PreviewEnvironment.BRANCH, "checkout")
        .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, args[1])
        .configurationParameter(PreviewEnvironment.RETENTION, args[2])
        .configurationParameter(PreviewEnvironment.DIAGNOSTICS_DIR, args[3])
        .execute();
  }

  @Test
  void terminatedWhileTheTestsRunItDeletesTheEnvironmentAndSaysNothingIsLeft() throws Exception {
    cluster = new TestCluster(dir);
    Process child = child("none", "ON_SUCCESS");
    awaitLine(child, "PREVIEWENV-TEST-RUNNING");

    child.destroy(); // SIGTERM
    String err = finish(child);

    assertThat(err)
        .contains(
            "PreviewEnv: interrupted (SIGINT/SIGTERM) while running the tests of environment"
                + " checkout; deleting it (retention ON_SUCCESS), waiting at most 10 s.")
        .contains("PreviewEnv: Nothing is left of environment checkout.");
    assertThat(cluster.client().namespaces().withName("checkout").get()).isNull();
  }

  @Test
  void terminatedWhileProvisioningItSaysSoAndWhatIsLeft() throws Exception {
    cluster =
        new TestCluster(dir, SimulatorOptions.builder().readyDelay(Duration.ofMinutes(5)).build());
    Process child = child("5m", "ON_SUCCESS");
    awaitNamespace();

    child.destroy();
    String err = finish(child);

    assertThat(err)
        .contains(
            "PreviewEnv: interrupted (SIGINT/SIGTERM) while provisioning environment checkout;"
                + " deleting it (retention ON_SUCCESS), waiting at most 10 s.")
        .contains("PreviewEnv: Nothing is left of environment checkout.");
    assertThat(cluster.client().namespaces().withName("checkout").get()).isNull();
  }

  @Test
  void terminatedWithRetentionNeverItKeepsTheEnvironmentAndSaysUntilWhen() throws Exception {
    cluster = new TestCluster(dir);
    Process child = child("none", "NEVER");
    awaitLine(child, "PREVIEWENV-TEST-RUNNING");

    child.destroy();
    String err = finish(child);

    assertThat(err)
        .contains(
            "PreviewEnv: interrupted (SIGINT/SIGTERM) while running the tests of environment"
                + " checkout; keeping it (retention NEVER).")
        .contains(
            "PreviewEnv: Kept: namespace checkout (retention NEVER); the janitor deletes it at its"
                + " expiry.");
    assertThat(cluster.client().namespaces().withName("checkout").get()).isNotNull();
    assertThat(cluster.client().leases().inNamespace("checkout").withName("previewenv-owner").get())
        .as("released, so that only the expiry counts")
        .isNull();
  }

  private Process child(String readiness, String retention) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path err = dir.resolve("child-" + retention + "-" + readiness + ".err");
    return new ProcessBuilder(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                InterruptIT.class.getName(),
                cluster.kubeconfig.toString(),
                readiness,
                retention,
                dir.resolve("diagnostics").toString()))
        .redirectError(err.toFile())
        .start();
  }

  private static void awaitLine(Process child, String line) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    for (String l = out.readLine(); l != null; l = out.readLine()) {
      if (l.contains(line)) {
        return;
      }
    }
    throw new AssertionError("the child ended before printing " + line);
  }

  private void awaitNamespace() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (cluster.client().apps().deployments().inNamespace("checkout").withName("api").get()
        == null) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the child never provisioned");
      }
      Thread.sleep(100);
    }
  }

  private String finish(Process child) throws Exception {
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child exits").isTrue();
    try (var files = Files.list(dir)) {
      Path err = files.filter(f -> f.toString().endsWith(".err")).findFirst().orElseThrow();
      return Files.readString(err);
    }
  }
}
