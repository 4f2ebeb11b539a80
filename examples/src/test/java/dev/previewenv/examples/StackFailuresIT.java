package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.SeedFailedException;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example stack's failures on a real cluster, each failing {@code up} with its cause: a broken
 * seed (PostgreSQL's error in the message) and a wrong database password for the orders service
 * (the pod keeps exiting, PostgreSQL's refusal in its log in the diagnostics). Each runs only the
 * part of the stack it needs. (A removed protection failing the E2E suite is {@code
 * RemovedProtectionIT} of e2e-suite.)
 */
@RealCluster
class StackFailuresIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String SOURCE_NS = "it-failures-src-" + RUN;
  private static final String DB_USER = "app_user";
  private static final String DB_PASSWORD = "db-" + UUID.randomUUID();
  private static final String STALE_PASSWORD = "stale-" + UUID.randomUUID();
  private static final EnvironmentName BROKEN_SEED =
      EnvironmentName.forBranch("it/broken-seed-" + RUN);
  private static final EnvironmentName WRONG_PASSWORD =
      EnvironmentName.forBranch("it/wrong-password-" + RUN);
  private static final Path DIAGNOSTICS = Path.of("target", "previewenv-it", "stack-failures");
  private static final String ORDERS_IMAGE =
      System.getProperty("previewenv.image.prefix", "")
          + "previewenv-examples/orders:"
          + System.getProperty("previewenv.examples.image.tag", "local");

  @BeforeAll
  static void imagesAndSourceSecret(KubernetesClient client) throws Exception {
    for (String image :
        List.of("previewenv/postgres:local", "previewenv/redis:local", ORDERS_IMAGE)) {
      Process p =
          new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      boolean present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      String reason =
          "image "
              + image
              + " is not in the local Docker engine; build the data images (sudo bash"
              + " examples/images/build-data-images.sh) and the example images"
              + " (PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw package -pl"
              + " examples -am)";
      if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("CI=true but " + reason);
      }
      if (!present) {
        System.err.println("SKIPPED StackFailuresIT: " + reason);
      }
      Assumptions.assumeTrue(present, reason);
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
                .addToStringData("username", DB_USER)
                .addToStringData("password", DB_PASSWORD)
                .addToStringData("redis-password", "redis-" + UUID.randomUUID())
                .addToStringData("stale-password", STALE_PASSWORD)
                .build())
        .create();
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    for (String ns : List.of(SOURCE_NS, BROKEN_SEED.value(), WRONG_PASSWORD.value())) {
      if (client.namespaces().withName(ns).get() != null) {
        client.namespaces().withName(ns).delete();
      }
    }
  }

  private static Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("it-stack-failures-" + RUN)
        .withSecrets(SecretSpec.copy(SOURCE_NS, "shop-db"))
        .withReadinessTimeout(Duration.ofMinutes(2))
        .withSeedTimeout(Duration.ofMinutes(2))
        .withWaitTimeout(Duration.ofMinutes(2))
        .withCleanup(Cleanup.ALWAYS)
        .withDiagnosticsRoot(DIAGNOSTICS);
  }

  @Test
  void aBrokenSeedFailsUpWithPostgresError(KubernetesClient client) {
    List<HasMetadata> objects = ManifestSource.kustomize(Path.of("deploy/datastores")).load();
    for (HasMetadata o : objects) {
      if (o instanceof ConfigMap sql && sql.getMetadata().getName().equals("seed-sql")) {
        sql.getData()
            .put(
                "orders.sql",
                sql.getData()
                    .get("orders.sql")
                    .replace("INSERT INTO products", "INSERT INTO prodcts"));
      }
    }
    Plan plan = Plan.builder(BROKEN_SEED).source(ManifestSource.objects(objects)).build();
    Provisioner provisioner = provisioner(client);
    try {
      Throwable thrown = catchThrowable(() -> provisioner.up(plan).close());

      System.out.println("StackFailuresIT: a broken seed fails up with: " + thrown);
      assertThat(thrown).isInstanceOf(SeedFailedException.class);
      assertThat(thrown.getMessage())
          .contains("Seed Job/seed-shop of environment " + BROKEN_SEED.value())
          .contains("relation \"prodcts\" does not exist")
          .doesNotContain(DB_PASSWORD);
      assertThat(((SeedFailedException) thrown).diagnostics()).isPresent();
      assertThat(((SeedFailedException) thrown).lastLogLines())
          .anySatisfy(l -> assertThat(l).contains("ERROR:  relation \"prodcts\" does not exist"));
    } finally {
      provisioner.down(BROKEN_SEED);
    }
  }

  @Test
  void aWrongDatabasePasswordFailsUpNamingOrdersWithPostgresRefusalInItsLog(KubernetesClient client)
      throws IOException {
    Set<String> keep =
        Set.of(
            "StatefulSet/postgres",
            "Service/postgres",
            "StatefulSet/redis",
            "Service/redis",
            "Job/seed-shop",
            "ConfigMap/seed-sql",
            "ConfigMap/shop-config",
            "Deployment/orders",
            "Service/orders",
            "Service/catalog");
    List<HasMetadata> objects = new ArrayList<>();
    for (HasMetadata o : ManifestSource.kustomize(Path.of("deploy/overlays/local-images")).load()) {
      if (!keep.contains(o.getKind() + "/" + o.getMetadata().getName())) {
        continue;
      }
      if (o instanceof Deployment orders) {
        var c = orders.getSpec().getTemplate().getSpec().getContainers().get(0);
        c.setImage(ORDERS_IMAGE);
        for (EnvVar v : c.getEnv()) {
          if (v.getName().equals("DB_PASSWORD")) {
            v.getValueFrom().getSecretKeyRef().setKey("stale-password");
          }
        }
      }
      objects.add(o);
    }
    assertThat(objects).hasSize(keep.size());
    Plan plan = Plan.builder(WRONG_PASSWORD).source(ManifestSource.objects(objects)).build();
    Provisioner provisioner = provisioner(client);
    try {
      Throwable thrown = catchThrowable(() -> provisioner.up(plan).close());

      System.out.println("StackFailuresIT: a wrong DB password fails up with: " + thrown);
      assertThat(thrown)
          .isInstanceOf(NotReadyException.class)
          .isNotInstanceOf(SeedFailedException.class);
      assertThat(thrown.getMessage())
          .contains(WRONG_PASSWORD.value())
          .contains("orders")
          .contains("CrashLoopBackOff")
          .doesNotContain(DB_PASSWORD)
          .doesNotContain(STALE_PASSWORD);
      String logs = logsUnder(DIAGNOSTICS.resolve(WRONG_PASSWORD.value()));
      assertThat(logs)
          .as("the orders pod's log in the diagnostics")
          .contains("refused the credentials from Secret shop-db")
          .contains("password authentication failed for user")
          .doesNotContain(STALE_PASSWORD)
          .doesNotContain(DB_PASSWORD);
    } finally {
      provisioner.down(WRONG_PASSWORD);
    }
  }

  private static String logsUnder(Path dir) throws IOException {
    StringBuilder all = new StringBuilder();
    try (Stream<Path> files = Files.walk(dir)) {
      files
          .filter(f -> f.toString().endsWith(".log") && f.toString().contains("orders"))
          .forEach(
              f -> {
                try {
                  all.append(Files.readString(f)).append('\n');
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
    return all.toString();
  }
}
