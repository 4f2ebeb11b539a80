package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The load harness on a real cluster: {@code load} provisions the load overlay (2 replicas each,
 * PostgreSQL, Redis, the seed; Secret shop-db from a source namespace made for the run), drives a
 * small bounded run of the order flow through port-forwards and tears down. Needs the example
 * images in the local Docker engine, whose images the cluster's kubelet runs (never pulled).
 */
@RealCluster
class LoadCliIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String LOAD_BRANCH = "it/load-" + RUN;
  private static final String UP_BRANCH = "it/cli-" + RUN;
  private static final String SOURCE_NS = "it-load-src-" + RUN;
  private static final String TAG = System.getProperty("previewenv.examples.image.tag", "local");
  private static final List<String> SERVICES = List.of("web", "catalog", "orders", "admin");

  @BeforeAll
  static void imagesArePresent(KubernetesClient client) throws Exception {
    List<String> images = new java.util.ArrayList<>();
    SERVICES.forEach(s -> images.add("previewenv-examples/" + s + ":" + TAG));
    images.addAll(List.of("previewenv/postgres:local", "previewenv/redis:local"));
    for (String image : images) {
      Process p =
          new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      boolean done = p.waitFor(30, TimeUnit.SECONDS);
      Assumptions.assumeTrue(
          done && p.exitValue() == 0,
          "image "
              + image
              + " is not in the local Docker engine (never pulled); build it:"
              + " PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw -B -o install"
              + " -DskipTests -pl examples -am (data images: sudo bash"
              + " examples/images/build-data-images.sh)");
    }
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(SOURCE_NS).endMetadata().build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("shop-db")
                .withNamespace(SOURCE_NS)
                .endMetadata()
                .addToStringData("username", "load_user")
                .addToStringData("password", "db-" + UUID.randomUUID())
                .addToStringData("redis-password", "redis-" + UUID.randomUUID())
                .build())
        .create();
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    for (String ns :
        List.of(
            EnvironmentName.forBranch("load", LOAD_BRANCH).value(),
            EnvironmentName.forBranch(UP_BRANCH).value(),
            SOURCE_NS)) {
      if (client.namespaces().withName(ns).get() != null) {
        client.namespaces().withName(ns).delete();
      }
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new LoadCli(
                new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Kubeconfig::connect,
                Path.of("").toAbsolutePath())
            .run(args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String kubeconfig() {
    return RealCluster.Extension.kubeconfig().orElseThrow().toString();
  }

  @Test
  void loadReportsThroughputAndPercentilesOfABoundedRunAndTearsDown(KubernetesClient client) {
    String ns = EnvironmentName.forBranch("load", LOAD_BRANCH).value();

    Run run =
        cli(
            "load",
            LOAD_BRANCH,
            "--requests",
            "50",
            "--concurrency",
            "4",
            "--secret-source",
            SOURCE_NS,
            "--images",
            String.join(
                ",",
                SERVICES.stream()
                    .map(s -> "previewenv-examples/" + s + "=previewenv-examples/" + s + ":" + TAG)
                    .toList()),
            "--kubeconfig",
            kubeconfig());

    assertThat(run.code()).as("exit code; out:\n" + run.out() + "\nerr:\n" + run.err()).isZero();
    System.out.println("LoadCliIT: " + run.out());
    assertThat(run.out())
        .containsPattern("seed +done in \\d+\\.\\d s")
        .containsPattern("readiness +done in \\d+\\.\\d s")
        .containsPattern("  POST orders /orders \\(PostgreSQL\\): \\d+ ok, p50 ")
        .containsPattern("  GET orders /orders/\\d+ \\(Redis\\): X-Cache hit: \\d+")
        .contains(
            "Environment " + ns + " is up; load through port-forwards: catalog http://127.0.0.1:")
        .contains("requests 50 (concurrency 4): 50 ok, 0 failed in ")
        .containsPattern("throughput \\d+\\.\\d requests/s")
        .containsPattern(
            "latency ms: p50 \\d+\\.\\d, p90 \\d+\\.\\d, p99 \\d+\\.\\d, max \\d+\\.\\d")
        .contains("Environment " + ns + " deleted.");
    assertThat(client.namespaces().withName(ns).get()).as("namespace after load").isNull();
  }
}
