package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Phase;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.SeedFailedException;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example stack's data stores on a real cluster: PostgreSQL and Redis from the images built
 * from Debian's packages ({@code examples/images/build-data-images.sh}) as StatefulSets with
 * readiness probes, their credentials in Secret {@code shop-db} copied by PreviewEnv from a source
 * namespace, and the seed Job loading the schema and fixtures into PostgreSQL before {@code up}
 * returns; a seed with a stale password fails {@code up} in PostgreSQL's own words.
 */
@RealCluster
class DataStoresIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String SOURCE_NS = "it-datastores-src-" + RUN;
  // not a word of the stack's names: every secret value is scrubbed from messages
  private static final String DB_USER = "app_user";
  private static final String DB_PASSWORD = "db-" + UUID.randomUUID();
  private static final String REDIS_PASSWORD = "redis-" + UUID.randomUUID();
  private static final String STALE_PASSWORD = "stale-" + UUID.randomUUID();
  private static final Path DATASTORES = Path.of("deploy/datastores");

  @BeforeAll
  static void imagesAndSourceSecret(KubernetesClient client) throws Exception {
    for (String image : List.of("previewenv/postgres:local", "previewenv/redis:local")) {
      Process p =
          new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      boolean present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
      String reason =
          "image "
              + image
              + " is not in the local Docker engine; build it (root, debootstrap): sudo bash"
              + " examples/images/build-data-images.sh";
      if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
        Assertions.fail("CI=true but " + reason);
      }
      if (!present) {
        System.err.println("SKIPPED DataStoresIT: " + reason);
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
                .addToStringData("redis-password", REDIS_PASSWORD)
                .addToStringData("stale-password", STALE_PASSWORD)
                .build())
        .create();
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    for (String ns :
        List.of(
            SOURCE_NS,
            EnvironmentName.forBranch("it/datastores-" + RUN).value(),
            EnvironmentName.forBranch("it/stale-" + RUN).value())) {
      if (client.namespaces().withName(ns).get() != null) {
        client.namespaces().withName(ns).delete();
      }
    }
  }

  private static Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("it-datastores-" + RUN)
        .withSecrets(SecretSpec.copy(SOURCE_NS, "shop-db"))
        .withReadinessTimeout(Duration.ofMinutes(3))
        .withSeedTimeout(Duration.ofMinutes(2))
        .withWaitTimeout(Duration.ofMinutes(2))
        .withCleanup(Cleanup.ALWAYS)
        .withDiagnosticsRoot(Path.of("target", "previewenv-it", "datastores"));
  }

  @Test
  void postgresAndRedisComeUpWithCopiedCredentialsAndTheSeedLoadsPostgres(KubernetesClient client)
      throws Exception {
    EnvironmentName env = EnvironmentName.forBranch("it/datastores-" + RUN);
    String ns = env.value();
    Plan plan = Plan.builder(env).source(ManifestSource.kustomize(DATASTORES)).build();
    assertThat(plan.seeds())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("seed-shop");
    Provisioner provisioner = provisioner(client);
    try (Preview preview = provisioner.up(plan)) {
      System.out.println("DataStoresIT: phases " + preview.timings());
      assertThat(preview.timings()).containsKeys(Phase.READINESS, Phase.SEED);
      Job seed = client.batch().v1().jobs().inNamespace(ns).withName("seed-shop").get();
      assertThat(seed.getStatus().getSucceeded()).isEqualTo(1);
      String pod =
          client
              .pods()
              .inNamespace(ns)
              .withLabel("job-name", "seed-shop")
              .list()
              .getItems()
              .get(0)
              .getMetadata()
              .getName();
      assertThat(client.pods().inNamespace(ns).withName(pod).getLog())
          .contains("seeded 3 products");

      // the data is in PostgreSQL (through its Unix socket, local trust), Redis answers with auth
      assertThat(
              exec(
                  client,
                  ns,
                  "postgres-0",
                  "postgres",
                  "psql",
                  "-h",
                  "/tmp",
                  "-U",
                  DB_USER,
                  "-d",
                  "shop",
                  "-At",
                  "-c",
                  "SELECT count(*) FROM products"))
          .isEqualTo("3");
      assertThat(exec(client, ns, "redis-0", "redis", "redis-cli", "ping")).isEqualTo("PONG");
      assertThat(exec(client, ns, "redis-0", "redis", "sh", "-c", "REDISCLI_AUTH= redis-cli ping"))
          .contains("NOAUTH");
    } finally {
      provisioner.down(env);
    }
  }

  @Test
  void aSeedWithAStalePasswordFailsUpInPostgresOwnWords(KubernetesClient client) {
    EnvironmentName env = EnvironmentName.forBranch("it/stale-" + RUN);
    List<HasMetadata> objects = ManifestSource.kustomize(DATASTORES).load();
    for (HasMetadata o : objects) {
      if (o instanceof Job job) {
        for (EnvVar v : job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
          if (v.getName().equals("PGPASSWORD")) {
            v.getValueFrom().getSecretKeyRef().setKey("stale-password");
          }
        }
      }
    }
    Plan plan = Plan.builder(env).source(ManifestSource.objects(objects)).build();
    Provisioner provisioner = provisioner(client);
    try {
      Throwable thrown = catchThrowable(() -> provisioner.up(plan).close());

      assertThat(thrown).isInstanceOf(SeedFailedException.class);
      System.out.println("DataStoresIT: up failed as expected with: " + thrown.getMessage());
      assertThat(thrown.getMessage())
          .contains("Seed Job/seed-shop of environment " + env.value())
          .contains("password authentication failed for user \"<redacted>\"")
          .doesNotContain(DB_PASSWORD)
          .doesNotContain(STALE_PASSWORD);
    } finally {
      provisioner.down(env);
    }
  }

  private static String exec(
      KubernetesClient client, String ns, String pod, String container, String... command)
      throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (ExecWatch watch =
        client
            .pods()
            .inNamespace(ns)
            .withName(pod)
            .inContainer(container)
            .writingOutput(out)
            .writingError(err)
            .exec(command)) {
      watch.exitCode().get(60, TimeUnit.SECONDS);
    }
    return (out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).strip();
  }
}
