package dev.previewenv.benchmarks;

import dev.previewenv.core.ApplyStrategy;
import dev.previewenv.core.E2eJob;
import dev.previewenv.core.E2eResult;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.JanitorReport;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/** The benchmark scenarios; each returns its figures (and prints nothing). */
final class Scenarios {
  private static final String EXPIRES_AT = "previewenv.dev/expires-at";
  private static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  private static final String ENVIRONMENT = "previewenv.dev/environment";

  /**
   * The provisioner's wait bound. The in-process server does not replay watch events from a
   * resourceVersion: an event that happens between a list and the watch opened after it (a window
   * of one RTT here) is lost, and the wait ends only at this timeout. A real API server replays.
   */
  static final Duration WAIT_TIMEOUT = Duration.ofSeconds(15);

  private final Settings settings;
  private final Consumer<String> progress;
  private final Path diagnostics;

  Scenarios(Settings settings, Consumer<String> progress, Path diagnostics) {
    this.settings = settings;
    this.progress = progress;
    this.diagnostics = diagnostics;
  }

  /** What one measured run did. */
  record Run(long nanos, RequestCount requests) {}

  /** Median and request counts of a series of runs. */
  record Series(List<Run> runs) {
    double medianMillis() {
      return Stats.medianMillis(runs.stream().mapToLong(Run::nanos).toArray());
    }

    RequestCount requests() {
      return runs.get(runs.size() - 1).requests();
    }

    /** The runs that did not stall (see {@link #stalls()}). */
    Series unstalled() {
      long bound = WAIT_TIMEOUT.minusSeconds(2).toNanos();
      return new Series(runs.stream().filter(r -> r.nanos() < bound).toList());
    }

    /** Runs that took longer than {@link #WAIT_TIMEOUT} minus a margin: a lost watch event. */
    long stalls() {
      long bound = WAIT_TIMEOUT.minusSeconds(2).toNanos();
      return runs.stream().filter(r -> r.nanos() >= bound).count();
    }
  }

  /** The provision and teardown figures of one RTT. */
  record ProvisionResult(
      Duration rtt,
      Series up,
      Series baselineUp,
      Series down,
      Series baselineDown,
      Series applied,
      Series baselineApplied,
      Series simulatorReady) {}

  /** Job result latency with the runner's watch and with a polling baseline. */
  record JobLatency(Series watch, Series polling) {}

  Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("bench")
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withSecrets(SecretSpec.copy(Stack.SECRET_NAMESPACE, Stack.SECRETS.toArray(String[]::new)))
        .withReadinessTimeout(Duration.ofSeconds(30))
        .withWaitTimeout(WAIT_TIMEOUT)
        .withDiagnosticsRoot(diagnostics);
  }

  static void seedSecrets(KubernetesClient setup) {
    setup
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(Stack.SECRET_NAMESPACE)
                .endMetadata()
                .build())
        .create();
    for (String name : Stack.SECRETS) {
      setup
          .secrets()
          .inNamespace(Stack.SECRET_NAMESPACE)
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .endMetadata()
                  .withType("Opaque")
                  .addToData("value", Base64.getEncoder().encodeToString(new byte[32]))
                  .build())
          .create();
    }
  }

  static Plan plan(String env, int services) {
    return Plan.builder(EnvironmentName.of(env))
        .source(ManifestSource.objects(Stack.objects(services)))
        .build();
  }

  /**
   * Scenarios 1, 2 and 8: provisions the stack with PreviewEnv and with the baseline, then tears
   * both down, alternating, {@code warmup + repetitions} times.
   */
  ProvisionResult provision(Duration rtt) throws InterruptedException {
    int services = settings.services();
    try (LatencyServer server = new LatencyServer(rtt)) {
      seedSecrets(server.setupClient());
      Provisioner provisioner = provisioner(server.client());
      Baseline baseline = new Baseline(server.client());
      List<Run> up = new ArrayList<>();
      List<Run> down = new ArrayList<>();
      List<Run> baseUp = new ArrayList<>();
      List<Run> baseDown = new ArrayList<>();
      List<Run> applied = new ArrayList<>();
      List<Run> baseApplied = new ArrayList<>();
      List<Run> simReady = new ArrayList<>();
      Provisioner noWait = provisioner.withoutReadinessWait();
      for (int i = 0; i < settings.warmup() + settings.repetitions(); i++) {
        boolean measured = i >= settings.warmup();
        Plan plan = plan("bench-" + i, services);
        server.resetCount();
        long t0 = System.nanoTime();
        Preview preview = provisioner.up(plan);
        long t1 = System.nanoTime();
        RequestCount upCount = server.count();
        server.resetCount();
        long t2 = System.nanoTime();
        preview.close();
        long t3 = System.nanoTime();
        RequestCount downCount = server.count();

        List<HasMetadata> objects = Stack.objects(services);
        server.resetCount();
        long b0 = System.nanoTime();
        long baselineApplied = baseline.up("base-" + i, objects);
        long b1 = System.nanoTime();
        RequestCount baseUpCount = server.count();
        long bApplied = baselineApplied;
        server.resetCount();
        long b2 = System.nanoTime();
        baseline.down("base-" + i);
        long b3 = System.nanoTime();
        RequestCount baseDownCount = server.count();
        server.resetCount();
        long a0 = System.nanoTime();
        Preview appliedOnly = noWait.up(plan("applied-" + i, services));
        long a1 = System.nanoTime();
        RequestCount appliedCount = server.count();
        appliedOnly.close();
        long simNanos = simulatorReady(server.setupClient(), "sim-" + i, services);
        if (measured) {
          applied.add(new Run(a1 - a0, appliedCount));
          baseApplied.add(new Run(bApplied - b0, baseUpCount));
          simReady.add(new Run(simNanos, new RequestCount(0, 0)));
          up.add(new Run(t1 - t0, upCount));
          down.add(new Run(t3 - t2, downCount));
          baseUp.add(new Run(b1 - b0, baseUpCount));
          baseDown.add(new Run(b3 - b2, baseDownCount));
        }
        progress.accept(
            "provision@"
                + rtt.toMillis()
                + "ms run "
                + i
                + ": up "
                + (t1 - t0) / 1_000_000
                + " ms ("
                + upCount
                + "), baseline "
                + (b1 - b0) / 1_000_000
                + " ms ("
                + baseUpCount
                + "), down "
                + (t3 - t2) / 1_000_000
                + " ms ("
                + downCount
                + ")");
      }
      return new ProvisionResult(
          rtt,
          new Series(up),
          new Series(baseUp),
          new Series(down),
          new Series(baseDown),
          new Series(applied),
          new Series(baseApplied),
          new Series(simReady));
    }
  }

  /**
   * How long the simulator alone takes to make the stack's Deployments ready: everything applied
   * with the undelayed client, then polled every 5 ms from the moment the last object was sent.
   */
  private static long simulatorReady(KubernetesClient setup, String namespace, int services)
      throws InterruptedException {
    setup
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    List<HasMetadata> objects = Stack.objects(services);
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(namespace);
      setup.resource(o).create();
    }
    long t0 = System.nanoTime();
    while (!Baseline.allReady(setup, namespace, objects)) {
      Thread.sleep(5);
    }
    long elapsed = System.nanoTime() - t0;
    setup.namespaces().withName(namespace).delete();
    return elapsed;
  }

  /**
   * Scenario 4: from the moment the Job's terminal condition is stored (seen by an undelayed watch
   * next to the server) until {@link E2eJob#run} returns the result; beside it a polling loop that
   * GETs the Job every {@link Baseline#POLL} and then reads its pod's log.
   */
  JobLatency jobResultLatency() throws Exception {
    String image = "registry.example.com/bench-e2e:1";
    SimulatorOptions options =
        LatencyServer.instantControllers()
            .job(JobOutcome.of("bench-e2e", 0, "1 test, 1 passed\n", "{\"tests\":1,\"passed\":1}"))
            .build();
    try (LatencyServer server = new LatencyServer(settings.rtt(), options)) {
      KubernetesClient setup = server.setupClient();
      List<Run> watch = new ArrayList<>();
      List<Run> polling = new ArrayList<>();
      for (int i = 0; i < settings.warmup() + settings.repetitions(); i++) {
        String ns = "jobs-" + i;
        setup
            .namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
        AtomicLong terminal = new AtomicLong();
        try (Watch w = setup.batch().v1().jobs().inNamespace(ns).watch(terminalWatcher(terminal))) {
          server.resetCount();
          E2eResult result =
              E2eJob.of(image)
                  .withTimeout(Duration.ofSeconds(60))
                  .run(server.client(), ns, l -> {});
          long done = System.nanoTime();
          RequestCount count = server.count();
          if (result == null || terminal.get() == 0) {
            throw new IllegalStateException("no result or no terminal condition seen: " + result);
          }
          if (i >= settings.warmup()) {
            watch.add(new Run(done - terminal.get(), count));
          }
          progress.accept(
              "job run "
                  + i
                  + ": result "
                  + (done - terminal.get()) / 1_000_000
                  + " ms after the terminal condition ("
                  + count
                  + "), outcome "
                  + result.outcome());
        }
        terminal.set(0);
        try (Watch w = setup.batch().v1().jobs().inNamespace(ns).watch(terminalWatcher(terminal))) {
          server.resetCount();
          long done = pollJob(server.client(), ns, "polled-" + i, image);
          RequestCount count = server.count();
          if (i >= settings.warmup()) {
            polling.add(new Run(done - terminal.get(), count));
          }
        }
      }
      return new JobLatency(new Series(watch), new Series(polling));
    }
  }

  private static Watcher<Job> terminalWatcher(AtomicLong terminal) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, Job job) {
        if (terminal(job)) {
          terminal.compareAndSet(0, System.nanoTime());
        }
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }

  private static boolean terminal(Job job) {
    return job != null
        && job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()));
  }

  /** The polling baseline: create the Job, GET it every poll interval, then read the pod log. */
  private static long pollJob(KubernetesClient client, String ns, String name, String image)
      throws InterruptedException {
    client
        .batch()
        .v1()
        .jobs()
        .inNamespace(ns)
        .resource(
            new JobBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(0)
                .withNewTemplate()
                .withNewSpec()
                .withRestartPolicy("Never")
                .addNewContainer()
                .withName("e2e")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
    while (!terminal(client.batch().v1().jobs().inNamespace(ns).withName(name).get())) {
      Thread.sleep(Baseline.POLL.toMillis());
    }
    for (Pod pod : client.pods().inNamespace(ns).withLabel("job-name", name).list().getItems()) {
      try {
        client.pods().inNamespace(ns).withName(pod.getMetadata().getName()).getLog();
      } catch (KubernetesClientException e) {
        // no log stored: the request was still made
      }
    }
    return System.nanoTime();
  }

  /** The same trivial suite without and with the JUnit extension. */
  record Overhead(Series with, Series without) {}

  /**
   * Scenario 5: the {@link OverheadSuites} run through EngineTestKit, plain and under
   * {@code @PreviewEnvironment} (one ConfigMap, no readiness wait), alternating, {@code warmup +
   * repetitions} times. The extension builds its client from a generated kubeconfig whose token
   * marks its requests as measured, so they see the injected RTT.
   */
  Overhead extensionOverhead() throws java.io.IOException {
    try (LatencyServer server = new LatencyServer(settings.rtt())) {
      Path kubeconfig = diagnostics.resolve("overhead-kubeconfig");
      java.nio.file.Files.writeString(
          kubeconfig,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: bench",
              "  cluster: {server: \"" + server.setupClient().getMasterUrl() + "\"}",
              "contexts:",
              "- name: bench",
              "  context: {cluster: bench, user: bench}",
              "current-context: bench",
              "users:",
              "- name: bench",
              "  user: {token: " + LatencyServer.MEASURED_TOKEN + "}",
              ""));
      List<Run> with = new ArrayList<>();
      List<Run> without = new ArrayList<>();
      for (int i = 0; i < settings.warmup() + settings.repetitions(); i++) {
        server.resetCount();
        long p0 = System.nanoTime();
        runSuite(OverheadSuites.Plain.class, kubeconfig, "overhead-plain-" + i);
        long p1 = System.nanoTime();
        RequestCount plainCount = server.count();
        server.resetCount();
        long w0 = System.nanoTime();
        runSuite(OverheadSuites.WithEnvironment.class, kubeconfig, "overhead-" + i);
        long w1 = System.nanoTime();
        RequestCount withCount = server.count();
        String ns = "overhead-" + i;
        if (server.setupClient().namespaces().withName(ns).get() != null) {
          throw new IllegalStateException(
              "namespace " + ns + " still exists after the suite: the extension did not tear down");
        }
        if (i >= settings.warmup()) {
          without.add(new Run(p1 - p0, plainCount));
          with.add(new Run(w1 - w0, withCount));
        }
        progress.accept(
            "extension-overhead run "
                + i
                + ": with "
                + (w1 - w0) / 1_000_000
                + " ms ("
                + withCount
                + "), without "
                + (p1 - p0) / 1_000_000
                + " ms");
      }
      return new Overhead(new Series(with), new Series(without));
    }
  }

  private void runSuite(Class<?> suite, Path kubeconfig, String branch) {
    org.junit.platform.testkit.engine.EngineExecutionResults results =
        org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
            .selectors(org.junit.platform.engine.discovery.DiscoverySelectors.selectClass(suite))
            .configurationParameter(
                dev.previewenv.junit.PreviewEnvironment.KUBECONFIG, kubeconfig.toString())
            .configurationParameter(dev.previewenv.junit.PreviewEnvironment.BRANCH, branch)
            .configurationParameter(
                dev.previewenv.junit.PreviewEnvironment.READINESS_TIMEOUT, "none")
            .configurationParameter(
                dev.previewenv.junit.PreviewEnvironment.DIAGNOSTICS_DIR,
                diagnostics.resolve("overhead").toString())
            .execute();
    long succeeded = results.testEvents().succeeded().count();
    if (succeeded != OverheadSuites.TESTS || results.allEvents().failed().count() != 0) {
      throw new IllegalStateException(
          "suite "
              + suite.getSimpleName()
              + " expected "
              + OverheadSuites.TESTS
              + " passing tests and no failure, saw "
              + succeeded
              + " passing and failures "
              + results.allEvents().failed().list());
    }
  }

  /** Scenario 3: the janitor over {@code janitorTotal} managed namespaces, some expired. */
  Series janitor() throws InterruptedException {
    int total = settings.janitorTotal();
    int expired = settings.janitorExpired();
    try (LatencyServer server = new LatencyServer(settings.rtt())) {
      KubernetesClient setup = server.setupClient();
      Instant now = Instant.now();
      createManaged(setup, "env-", 0, total, expired, now);
      Provisioner provisioner = provisioner(server.client());
      List<Run> runs = new ArrayList<>();
      for (int i = 0; i < settings.warmup() + settings.repetitions(); i++) {
        if (i > 0) {
          // the last run's expired namespaces: finish their deletion by hand (the simulator can
          // miss events of the in-process server), then add a fresh set of expired ones
          purge(setup, i == 1 ? "env-" : "exp" + (i - 1) + "-", expired);
          createManaged(setup, "exp" + i + "-", 0, expired, expired, now);
        }
        server.resetCount();
        long t0 = System.nanoTime();
        JanitorReport report = provisioner.janitor().gc(Instant.now());
        long t1 = System.nanoTime();
        if (report.deleted().size() != expired) {
          throw new IllegalStateException(
              "janitor deleted "
                  + report.deleted().size()
                  + ", expected "
                  + expired
                  + ": "
                  + report);
        }
        if (i >= settings.warmup()) {
          runs.add(new Run(t1 - t0, server.count()));
        }
        progress.accept(
            "janitor run " + i + ": " + (t1 - t0) / 1_000_000 + " ms (" + server.count() + ")");
      }
      return new Series(runs);
    }
  }

  private static void createManaged(
      KubernetesClient setup, String prefix, int from, int to, int expired, Instant now)
      throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int i = from; i < to; i++) {
        String name = prefix + String.format("%05d", i);
        Instant expires =
            i < expired ? now.minus(Duration.ofHours(1)) : now.plus(Duration.ofHours(4));
        futures.add(
            pool.submit(
                () ->
                    setup
                        .namespaces()
                        .resource(
                            new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .addToLabels(MANAGED_BY, "previewenv")
                                .addToLabels(ENVIRONMENT, name)
                                .addToAnnotations(EXPIRES_AT, expires.toString())
                                .endMetadata()
                                .build())
                        .create()));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("could not create the janitor's namespaces", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void purge(KubernetesClient setup, String prefix, int count) {
    for (int i = 0; i < count; i++) {
      String name = prefix + String.format("%05d", i);
      var ns = setup.namespaces().withName(name);
      try {
        if (ns.get() != null) {
          ns.edit(
              n -> {
                n.getMetadata().setFinalizers(null);
                return n;
              });
          ns.delete();
        }
      } catch (KubernetesClientException e) {
        // already gone
      }
    }
  }

  /** Scenario 6a: peak heap while provisioning {@code memoryServices * 5} objects. */
  Figure memory() throws InterruptedException {
    int services = settings.memoryServices();
    int objects = services * 5;
    try (LatencyServer server = new LatencyServer(settings.rtt())) {
      seedSecrets(server.setupClient());
      Provisioner provisioner = provisioner(server.client());
      double[] added = new double[Math.max(1, Math.min(3, settings.repetitions()))];
      double[] peaks = new double[added.length];
      for (int i = 0; i < added.length; i++) {
        Plan plan = plan("mem-" + i, services);
        Preview preview;
        try (HeapSampler heap = new HeapSampler()) {
          preview = provisioner.up(plan);
          added[i] = HeapSampler.mb(heap.peak() - heap.baseline());
          peaks[i] = HeapSampler.mb(heap.peak());
        }
        preview.close();
        progress.accept(
            "memory run " + i + ": +" + Math.round(added[i]) + " MB, peak " + Math.round(peaks[i]));
      }
      return Figure.of("memory-" + objects, Stats.median(added), "MB")
          .withNote(
              "peak-heap-used="
                  + Math.round(Stats.median(peaks))
                  + "MB (whole JVM incl. in-process API server; value = peak minus heap after GC"
                  + " before the run)");
    }
  }

  /** Scenario 6b: {@code concurrentEnvironments} environments provisioned at once. */
  List<Figure> concurrent(double singleMillis) throws Exception {
    int n = settings.concurrentEnvironments();
    try (LatencyServer server = new LatencyServer(settings.rtt())) {
      seedSecrets(server.setupClient());
      Provisioner provisioner = provisioner(server.client());
      int reps = Math.max(1, Math.min(3, settings.repetitions()));
      long[] times = new long[reps];
      double[] heapAdded = new double[reps];
      RequestCount count = null;
      for (int r = 0; r < reps; r++) {
        List<Plan> plans = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          plans.add(plan("conc-" + r + "-" + i, settings.services()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Preview> previews = new ArrayList<>();
        try (HeapSampler heap = new HeapSampler()) {
          server.resetCount();
          long t0 = System.nanoTime();
          List<Future<Preview>> futures = new ArrayList<>();
          for (Plan p : plans) {
            futures.add(pool.submit(() -> provisioner.up(p)));
          }
          for (Future<Preview> f : futures) {
            previews.add(f.get());
          }
          times[r] = System.nanoTime() - t0;
          heapAdded[r] = HeapSampler.mb(heap.peak() - heap.baseline());
          count = server.count();
        }
        List<Future<?>> closing = new ArrayList<>();
        for (Preview p : previews) {
          closing.add(pool.submit(p::close));
        }
        for (Future<?> f : closing) {
          f.get();
        }
        pool.shutdownNow();
        progress.accept(
            "concurrent run "
                + r
                + ": "
                + times[r] / 1_000_000
                + " ms, +"
                + Math.round(heapAdded[r])
                + " MB ("
                + count
                + ")");
      }
      String name = "concurrent-" + n;
      return List.of(
          Figure.of(name, Stats.medianMillis(times), "ms")
              .withNote(
                  "single-env-provision="
                      + Math.round(singleMillis)
                      + "ms requests("
                      + count
                      + ")"),
          Figure.of(name + "-heap", Stats.median(heapAdded), "MB")
              .withNote("peak heap used minus heap after GC before the run, whole JVM"));
    }
  }

  /** Scenario 7: load YAML text and transform it, small and large, without a cluster. */
  List<Figure> loadTransform() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    double small = loadTransform(serialization, settings.transformSmall());
    double large = loadTransform(serialization, settings.transformLarge());
    String sName = "load-transform-" + label(settings.transformSmall());
    String lName = "load-transform-" + label(settings.transformLarge());
    return List.of(
        Figure.of(sName, small, "ms"),
        Figure.of(lName, large, "ms")
            .withNote(
                String.format(
                    java.util.Locale.ROOT,
                    "growth=%.1fx for %dx the objects (target <= 12x)",
                    large / small,
                    settings.transformLarge() / settings.transformSmall())));
  }

  private double loadTransform(KubernetesSerialization serialization, int objects) {
    String yaml = yaml(serialization, Stack.objects(Math.max(1, objects / 5)));
    long[] times = new long[settings.repetitions()];
    for (int i = 0; i < settings.warmup() + settings.repetitions(); i++) {
      long t0 = System.nanoTime();
      Plan plan =
          Plan.builder(EnvironmentName.of("load-" + i))
              .source(ManifestSource.yaml("stack.yaml", yaml))
              .build();
      long t1 = System.nanoTime();
      if (plan.objects().size() != (objects / 5) * 5) {
        throw new IllegalStateException("plan has " + plan.objects().size() + " objects");
      }
      if (i >= settings.warmup()) {
        times[i - settings.warmup()] = t1 - t0;
      }
    }
    return Stats.medianMillis(times);
  }

  static String yaml(KubernetesSerialization serialization, List<HasMetadata> objects) {
    StringBuilder sb = new StringBuilder();
    for (HasMetadata o : objects) {
      String doc = serialization.asYaml(o);
      if (!doc.startsWith("---")) {
        sb.append("---\n");
      }
      sb.append(doc);
      if (!doc.endsWith("\n")) {
        sb.append('\n');
      }
    }
    return sb.toString();
  }

  private static String label(int n) {
    return n % 1000 == 0 ? (n / 1000) + "k" : Integer.toString(n);
  }
}
