package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed phase against the controller simulator: a Job annotated {@code previewenv.dev/phase:
 * seed} runs after the workloads it depends on are ready and before {@code up} returns, once per
 * environment and spec; a failing seed fails {@code up} with its log and diagnostics; bad
 * declarations fail the plan.
 */
@InProcessCluster(simulatorOptions = "simulatorOptions")
class SeedPhaseTest {
  private static final String PASSWORD = "hunter2-not-for-logs";

  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;
  @TempDir Path tmp;

  static SimulatorOptions simulatorOptions() {
    return SimulatorOptions.builder()
        .readyDelay(Duration.ofMillis(300))
        .failing("never-ready", PodFailure.READINESS_PROBE_FAILING)
        .job(
            JobOutcome.of(
                "seed-broken",
                3,
                "connecting to postgres\nloading orders.sql\nERROR: relation \"orders\""
                    + " does not exist (login with "
                    + PASSWORD
                    + ")\n",
                ""))
        .build();
  }

  @BeforeEach
  void start(KubeTestServer kube, ControllerSimulator sim) {
    this.kube = kube;
    this.sim = sim;
    client = kube.client();
  }

  private Provisioner provisioner() {
    return Provisioner.forClient(client)
        .withOwner("seed-test")
        .withCleanup(Cleanup.NEVER)
        .withKeptNotice(false)
        .withReadinessTimeout(Duration.ofSeconds(20))
        .withWaitTimeout(Duration.ofSeconds(10))
        .withDiagnosticsRoot(tmp.resolve("diagnostics"));
  }

  /** A stack: Secret, Deployment api (image {@code apiImage}), seed Job (image, annotations). */
  private static Plan plan(String env, String apiImage, String seedImage, String seedAnnotations) {
    String yaml =
        """
        apiVersion: v1
        kind: Secret
        metadata:
          name: db-credentials
        stringData:
          password: %s
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: db
        spec:
          replicas: 1
          serviceName: db
          selector:
            matchLabels: {app: db}
          template:
            metadata:
              labels: {app: db}
            spec:
              containers:
                - name: db
                  image: postgres:local
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          replicas: 1
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
                - name: api
                  image: %s
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: seed
          annotations:
            previewenv.dev/phase: seed
        %s
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: seed
                  image: %s
        """
            .formatted(PASSWORD, apiImage, seedAnnotations.indent(4).stripTrailing(), seedImage);
    return Plan.builder(EnvironmentName.of(env))
        .source(ManifestSource.yaml("stack.yaml", yaml))
        .build();
  }

  private static Plan plan(String env, String seedImage) {
    return plan(env, "api:1", seedImage, "");
  }

  private Job job(String ns, String name) {
    return client.batch().v1().jobs().inNamespace(ns).withName(name).get();
  }

  private static boolean complete(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> "Complete".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private String seeded(String ns) {
    return client
        .namespaces()
        .withName(ns)
        .get()
        .getMetadata()
        .getAnnotations()
        .get("previewenv.dev/seeded");
  }

  @Test
  void seedRunsOnceTheWorkloadsAreReadyAndHasCompletedWhenUpReturns() throws Exception {
    String ns = "seed-order";
    // when the seed Job appears, what is the state of the workloads it depends on?
    List<Watch> watches = new java.util.ArrayList<>();
    CompletableFuture<List<Integer>> readyWhenSeedCreated =
        whenCreated(
            ns,
            "seed",
            () -> {
              Deployment api = client.apps().deployments().inNamespace(ns).withName("api").get();
              var db = client.apps().statefulSets().inNamespace(ns).withName("db").get();
              return java.util.Arrays.asList(
                  api.getStatus() == null ? null : api.getStatus().getAvailableReplicas(),
                  db.getStatus() == null ? null : db.getStatus().getReadyReplicas());
            },
            watches);
    try (Preview preview = provisioner().up(plan(ns, "seed-ok:1"))) {
      assertThat(complete(job(ns, "seed"))).as("seed Job Complete when up returned").isTrue();
      assertThat(seeded(ns)).startsWith("seed=");
      assertThat(preview.timings()).containsKeys(Phase.READINESS, Phase.SEED);
      List<Integer> ready = readyWhenSeedCreated.get(10, TimeUnit.SECONDS);
      assertThat(ready)
          .as("api available, db ready replicas when the seed was created")
          .containsExactly(1, 1);
    } finally {
      watches.forEach(Watch::close);
    }
  }

  @Test
  void byDefaultTheSeedWaitsForEveryWorkloadSoANeverReadyOneMeansNoSeed() {
    String ns = "seed-default-deps";
    assertThatThrownBy(
            () ->
                provisioner()
                    .withReadinessTimeout(Duration.ofSeconds(2))
                    .up(plan(ns, "never-ready:1", "seed-ok:1", "")))
        .isInstanceOf(NotReadyException.class)
        .isNotInstanceOf(SeedFailedException.class)
        .hasMessageContaining("Deployment/api");
    assertThat(job(ns, "seed")).as("the seed never started").isNull();
  }

  @Test
  void seedAfterNamesWhatTheSeedWaitsFor() {
    String ns = "seed-after-db";
    // api only becomes ready with the seed data (here: never); the seed waits only for the db
    assertThatThrownBy(
            () ->
                provisioner()
                    .withReadinessTimeout(Duration.ofSeconds(3))
                    .up(
                        plan(
                            ns,
                            "never-ready:1",
                            "seed-ok:1",
                            "previewenv.dev/seed-after: StatefulSet/db")))
        .isInstanceOf(NotReadyException.class)
        .isNotInstanceOf(SeedFailedException.class)
        .hasMessageContaining("Deployment/api");
    assertThat(complete(job(ns, "seed"))).as("seed ran once the db was ready").isTrue();
    assertThat(seeded(ns)).startsWith("seed=");
  }

  @Test
  void aFailingSeedFailsUpWithTheJobItsLastLogLinesAndDiagnostics() throws Exception {
    String ns = "seed-broken";
    SeedFailedException e =
        (SeedFailedException)
            org.assertj.core.api.Assertions.catchThrowable(
                () -> provisioner().up(plan(ns, "seed-broken:1")));

    assertThat(e).isNotNull();
    assertThat(e.job()).isEqualTo("Job/seed");
    assertThat(e.environment()).contains(ns);
    assertThat(e.getMessage())
        .contains("Seed Job/seed of environment " + ns)
        .contains("BackoffLimitExceeded")
        .contains("container seed, exit code 3")
        .contains("ERROR: relation \"orders\" does not exist")
        .contains("Diagnostics: " + tmp.resolve("diagnostics").resolve(ns).toAbsolutePath())
        .doesNotContain(PASSWORD);
    assertThat(e.lastLogLines())
        .containsExactly(
            "connecting to postgres",
            "loading orders.sql",
            "ERROR: relation \"orders\" does not exist (login with <redacted>)");
    Path dir = Path.of(e.diagnostics().orElseThrow());
    assertThat(dir.resolve("summary.md")).exists();
    try (Stream<Path> files = Files.walk(dir.resolve("logs"))) {
      String seedLog =
          files
              .filter(p -> p.toString().contains("seed") && p.toString().endsWith("seed.log"))
              .findFirst()
              .map(SeedPhaseTest::read)
              .orElseThrow();
      assertThat(seedLog).contains("relation \"orders\"").doesNotContain(PASSWORD);
    }
    assertThat(seeded(ns)).as("a failed seed is not recorded").isNull();
  }

  @Test
  void aSeedFailureWhoseMessageHoldsASecretValueIsScrubbedAndStaysASeedFailure() {
    // the Secret's value "loader" is also the Job's name: scrubbed everywhere, even there
    String yaml =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: creds}
        stringData: {user: loader}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: loader
          annotations: {previewenv.dev/phase: seed}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers: [{name: load, image: seed-broken:1}]
        """;
    Plan plan =
        Plan.builder(EnvironmentName.of("seed-scrub"))
            .source(ManifestSource.yaml("stack.yaml", yaml))
            .build();

    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> provisioner().up(plan));

    assertThat(thrown).isInstanceOf(SeedFailedException.class);
    SeedFailedException e = (SeedFailedException) thrown;
    assertThat(e.getMessage()).doesNotContain("loader").contains("Seed Job/<redacted>");
    assertThat(e.job()).isEqualTo("Job/<redacted>");
    assertThat(e.lastLogLines()).last().asString().contains("relation \"orders\"");
  }

  @Test
  void aSecondUpDoesNotSeedAgainButAChangedSeedOrReseedDoes() {
    String ns = "seed-rerun";
    // without the readiness wait: a seed that runs still waits for its dependencies; one that is
    // skipped opens no watch at all (and the in-process server is spared closing watches right
    // after opening them, which can stall its event loop)
    Provisioner p = provisioner().withoutReadinessWait();
    p.up(plan(ns, "seed-ok:1")).close();
    String first = job(ns, "seed").getMetadata().getUid();
    String firstHash = seeded(ns);

    p.up(plan(ns, "seed-ok:1")).close();
    assertThat(job(ns, "seed").getMetadata().getUid())
        .as("same seed: not run again")
        .isEqualTo(first);
    assertThat(seeded(ns)).isEqualTo(firstHash);

    p.up(plan(ns, "seed-ok:2")).close();
    Job changed = job(ns, "seed");
    assertThat(changed.getMetadata().getUid()).as("changed seed: run again").isNotEqualTo(first);
    assertThat(changed.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("seed-ok:2");
    assertThat(complete(changed)).isTrue();
    assertThat(seeded(ns)).isNotEqualTo(firstHash);

    p.withReseed(true).up(plan(ns, "seed-ok:2")).close();
    Job again = job(ns, "seed");
    assertThat(again.getMetadata().getUid())
        .as("reseed: run again")
        .isNotEqualTo(changed.getMetadata().getUid());
    assertThat(complete(again)).isTrue();
  }

  @Test
  void aFailedSeedRunsAgainOnTheNextUp() {
    String ns = "seed-retry";
    assertThatThrownBy(() -> provisioner().up(plan(ns, "seed-broken:1")))
        .isInstanceOf(SeedFailedException.class);

    provisioner().up(plan(ns, "seed-ok:1")).close();

    assertThat(complete(job(ns, "seed"))).isTrue();
    assertThat(seeded(ns)).startsWith("seed=");
  }

  @Test
  void badSeedDeclarationsFailThePlanNamingSourceObjectAndAnnotation() {
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: loader
          annotations:
            previewenv.dev/phase: seed
        spec:
          selector:
            matchLabels: {app: loader}
          template:
            metadata:
              labels: {app: loader}
            spec:
              containers: [{name: loader, image: loader:1}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
          annotations:
            previewenv.dev/phase: migrate
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: m, image: m:1}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: seed
          annotations:
            previewenv.dev/phase: seed
            previewenv.dev/seed-after: StatefulSet/postgres, Service/api
            previewenv.dev/seed-weight: soon
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: s, image: s:1}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          annotations:
            previewenv.dev/seed-weight: "1"
        """;
    int before = kube.server().getRequestCount();

    assertThatThrownBy(
            () ->
                Plan.builder(EnvironmentName.of("seed-bad"))
                    .source(ManifestSource.yaml("stack.yaml", yaml))
                    .build())
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("nothing was sent to the cluster")
        .satisfies(
            t ->
                assertThat(((InvalidPlanException) t).problems())
                    .hasSize(6)
                    .allSatisfy(p -> assertThat(p).contains("stack.yaml"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("Deployment/loader")
                                .contains("previewenv.dev/phase: seed is only for Jobs"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("Job/migrate")
                                .contains("previewenv.dev/phase is \"migrate\", an unknown phase"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("Job/seed")
                                .contains(
                                    "previewenv.dev/seed-after names StatefulSet/postgres,"
                                        + " which is not in the plan"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("Job/seed")
                                .contains("\"Service/api\", which is not a workload"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("Job/seed")
                                .contains("previewenv.dev/seed-weight is \"soon\", not an integer"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .contains("ConfigMap/settings")
                                .contains("previewenv.dev/seed-weight is only for seed Jobs")));
    assertThat(kube.server().getRequestCount()).as("requests sent").isEqualTo(before);
    assertThat(client.namespaces().withName("seed-bad").get()).isNull();
  }

  @Test
  void seedsRunInWeightOrderAndThePlanListsThem() {
    String ns = "seed-weights";
    String yaml =
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: second
          annotations: {previewenv.dev/phase: seed, previewenv.dev/seed-weight: "10"}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers: [{name: s, image: seed-ok:1}]
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: first
          annotations: {previewenv.dev/phase: seed, previewenv.dev/seed-weight: "-5"}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers: [{name: s, image: seed-ok:1}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {k: v}
        """;
    Plan plan =
        Plan.builder(EnvironmentName.of(ns))
            .source(ManifestSource.yaml("stack.yaml", yaml))
            .build();
    assertThat(plan.seeds())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("second", "first");

    List<Watch> watches = new java.util.ArrayList<>();
    CompletableFuture<Boolean> firstCompleteWhenSecondCreated =
        whenCreated(ns, "second", () -> complete(job(ns, "first")), watches);
    try {
      provisioner().up(plan).close();

      assertThat(complete(job(ns, "first"))).isTrue();
      assertThat(complete(job(ns, "second"))).isTrue();
      assertThat(firstCompleteWhenSecondCreated)
          .as("\"first\" (weight -5) Complete when \"second\" (weight 10) was created")
          .succeedsWithin(Duration.ofSeconds(10))
          .isEqualTo(true);
      assertThat(seeded(ns)).matches("first=[0-9a-f]{16},second=[0-9a-f]{16}");
    } finally {
      watches.forEach(Watch::close);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Completes with what {@code probe} sees the moment Job {@code name} is created. */
  private <T> CompletableFuture<T> whenCreated(
      String ns, String name, java.util.function.Supplier<T> probe, List<Watch> watches) {
    CompletableFuture<T> seen = new CompletableFuture<>();
    watches.add(
        client
            .batch()
            .v1()
            .jobs()
            .inNamespace(ns)
            .watch(
                new Watcher<Job>() {
                  @Override
                  public void eventReceived(Action action, Job job) {
                    if (action == Action.ADDED && name.equals(job.getMetadata().getName())) {
                      seen.complete(probe.get());
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                }));
    return seen;
  }
}
