package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cancelled pipeline: the CLI's {@code up} (the runnable jar, as a process) gets SIGTERM while it
 * waits for readiness; it releases the environment's owner lease before it ends, so the next
 * pipeline's {@code up} (default on-conflict fail) is not refused for the lease's duration.
 */
@RealCluster
class CliSignalIT {
  private static final Duration POLL = Duration.ofMillis(10);

  @TempDir Path dir;

  @Test
  void sigtermDuringUpReleasesTheLeaseForTheNextRun(KubernetesClient client) throws Exception {
    String branch = "it/cli-sigterm-" + UUID.randomUUID().toString().substring(0, 6);
    String ns = EnvironmentName.forBranch(branch).value();
    String kubeconfig = RealCluster.Extension.kubeconfig().orElseThrow().toString();
    Files.writeString(
        Files.createDirectories(dir.resolve("deploy")).resolve("app.yaml"),
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: never-ready}
        spec:
          replicas: 1
          selector: {matchLabels: {app: never-ready}}
          template:
            metadata: {labels: {app: never-ready}}
            spec:
              terminationGracePeriodSeconds: 0
              containers:
                - name: app
                  image: %s
                  imagePullPolicy: Never
                  command: [sh, -c, "sleep 3600"]
                  readinessProbe:
                    exec: {command: ["false"]}
                    periodSeconds: 1
        """
            .formatted(CliIT.IMAGE));
    Path log = dir.resolve("up.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar().toAbsolutePath().toString(),
                "up",
                "--manifests",
                "deploy",
                "--owner",
                "sigterm-it",
                "--ttl",
                "30m",
                "--readiness-timeout",
                "5m")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("PREVIEWENV_KUBECONFIG", kubeconfig);
    pb.environment().put("BRANCH_NAME", branch);
    Process up = pb.start();
    try {
      await("the running up's owner lease in " + ns)
          .atMost(Duration.ofSeconds(90))
          .pollInterval(POLL)
          .until(
              () -> client.leases().inNamespace(ns).withName("previewenv-owner").get(),
              (Lease l) ->
                  l != null
                      && l.getSpec().getHolderIdentity() != null
                      && l.getSpec().getHolderIdentity().startsWith("sigterm-it@"));
      up.destroy(); // SIGTERM, as a CI runner cancelling the job sends
      assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("ends within its stop grace").isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(up.exitValue()).as(output).isNotZero();
      assertThat(output).contains("previewenv: stopping (SIGTERM or Ctrl-C)");
      assertThat(client.leases().inNamespace(ns).withName("previewenv-owner").get())
          .as("the lease is released before the process ends\n" + output)
          .isNull();

      // the next pipeline: up (default --on-conflict fail) is not refused, then down
      assertThat(cli(kubeconfig, branch, "up", "--manifests", "deploy", "--no-wait"))
          .as("the next run's up")
          .isZero();
      assertThat(cli(kubeconfig, branch, "down")).as(out.toString()).isZero();
      assertThat(client.namespaces().withName(ns).get()).isNull();
    } finally {
      up.destroyForcibly();
      client.namespaces().withName(ns).delete();
    }
  }

  private final StringWriter out = new StringWriter();

  private int cli(String kubeconfig, String branch, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("PREVIEWENV_KUBECONFIG", kubeconfig);
    env.put("BRANCH_NAME", branch);
    return PreviewEnvCli.run(
        new PreviewEnvCli.Context(
            env::get,
            () -> new ByteArrayInputStream(new byte[0]),
            Connector.kubeconfig(env::get),
            new PrintWriter(out, true),
            new PrintWriter(out, true),
            dir,
            Clock.systemUTC()),
        args);
  }

  private static Path jar() throws java.io.IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      List<Path> jars =
          files
              .filter(f -> f.getFileName().toString().matches("previewenv-cli-.*-all\\.jar"))
              .toList();
      assertThat(jars).as("the runnable jar, made at package").hasSize(1);
      return jars.get(0);
    }
  }
}
