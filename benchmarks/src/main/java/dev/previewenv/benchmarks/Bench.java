package dev.previewenv.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs every benchmark scenario and prints one {@code BENCH} line per figure, plus {@code COUNT}
 * lines with the requests behind each figure. Arguments: {@code --reps N} (default 5), {@code
 * --quiet} (no progress lines), {@code --only extension-overhead} or {@code --only e2e-handoff}
 * (that scenario alone).
 */
public final class Bench {
  private Bench() {}

  // mockwebserver logs every request through java.util.logging at INFO: costly, and noise
  private static final java.util.logging.Logger MOCK_SERVER_LOG =
      java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

  public static void main(String[] args) throws Exception {
    MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    int reps = 5;
    boolean quiet = false;
    String only = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--quiet" -> quiet = true;
        case "--only" -> only = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    boolean q = quiet;
    Consumer<String> progress =
        s -> {
          if (!q) {
            System.out.println("# " + s);
          }
        };
    Result r;
    if (only == null) {
      r = run(Settings.full(reps), progress);
    } else if (only.equals("extension-overhead")) {
      List<Figure> figures = new ArrayList<>();
      List<String> counts = new ArrayList<>();
      Settings settings = Settings.full(reps);
      extensionOverhead(
          new Scenarios(settings, progress, Files.createTempDirectory("previewenv-bench")),
          settings,
          figures,
          counts);
      r = new Result(figures, counts);
    } else if (only.equals("e2e-handoff")) {
      Settings settings = Settings.full(reps);
      r =
          new Result(
              HandOffBench.figures(settings.handOffTests(), settings.repetitions(), progress),
              List.of());
    } else {
      throw new IllegalArgumentException(
          "--only supports extension-overhead and e2e-handoff, not "
              + only
              + "; omit it to run every scenario");
    }
    System.out.println();
    r.lines().forEach(System.out::println);
    // Every server, client and pool of the run is closed by now; a non-daemon thread still running
    // would keep the JVM (and the Maven build) from ending, so name it instead of hanging silently.
    for (Thread t : nonDaemonThreadsLeft(before)) {
      System.err.println(
          "# bench: non-daemon thread "
              + t.getName()
              + " still running after the run (a server or client left open): "
              + List.of(t.getStackTrace()));
    }
  }

  /** How long {@link #nonDaemonThreadsLeft} lets closed servers' threads take to end. */
  static final Duration THREAD_END_GRACE = Duration.ofSeconds(20);

  /**
   * The non-daemon threads not in {@code before} that are still alive after waiting up to {@link
   * #THREAD_END_GRACE} for them to end (vert.x and executor threads end shortly after their owner
   * is closed).
   */
  static List<Thread> nonDaemonThreadsLeft(Set<Thread> before) throws InterruptedException {
    long deadline = System.nanoTime() + THREAD_END_GRACE.toNanos();
    List<Thread> left = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t == Thread.currentThread() || t.isDaemon() || before.contains(t)) {
        continue;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining > 0) {
        t.join(Math.max(1, remaining / 1_000_000));
      }
      if (t.isAlive()) {
        left.add(t);
      }
    }
    return left;
  }

  /** All figures and request counts of one run. */
  record Result(List<Figure> figures, List<String> counts) {
    List<String> lines() {
      List<String> out = new ArrayList<>();
      figures.forEach(f -> out.add(f.line()));
      out.addAll(counts);
      return out;
    }
  }

  static Result run(Settings s, Consumer<String> progress) throws Exception {
    Path diagnostics = Files.createTempDirectory("previewenv-bench");
    Scenarios scenarios = new Scenarios(s, progress, diagnostics);
    List<Figure> figures = new ArrayList<>();
    List<String> counts = new ArrayList<>();
    int objects = s.services() * 5;
    String provisionName = "provision-" + objects;

    progress.accept(
        "machine: "
            + Runtime.getRuntime().availableProcessors()
            + " cpus, java "
            + System.getProperty("java.version")
            + ", max heap "
            + Runtime.getRuntime().maxMemory() / (1024 * 1024)
            + " MB");
    List<Scenarios.ProvisionResult> provisions = new ArrayList<>();
    List<Duration> rtts = new ArrayList<>(s.scalingRtts());
    if (!rtts.contains(s.rtt())) {
      rtts.add(0, s.rtt());
    }
    for (Duration rtt : rtts) {
      provisions.add(scenarios.provision(rtt));
    }
    Scenarios.ProvisionResult main =
        provisions.stream().filter(p -> p.rtt().equals(s.rtt())).findFirst().orElseThrow();
    double rttMs = s.rtt().toMillis();

    // 1 provision
    figures.add(
        Figure.of(provisionName, main.up().medianMillis(), "ms")
            .withBaseline(main.baselineUp().medianMillis())
            .withFloor(5 * rttMs)
            .withNote(rttNote(main.up().medianMillis(), s.rtt()) + stallNote(main.up())));
    counts.add(count(provisionName, main.up(), main.baselineUp()));
    figures.add(
        Figure.of(provisionName + "-applied", main.applied().medianMillis(), "ms")
            .withBaseline(main.baselineApplied().medianMillis())
            .withFloor(3 * rttMs)
            .withNote(
                rttNote(main.applied().medianMillis(), s.rtt())
                    + " (up without readiness wait; baseline = its create-or-replace loop only)"));
    counts.add(count(provisionName + "-applied", main.applied(), main.baselineApplied()));
    figures.add(
        Figure.of("simulator-ready-" + s.services(), main.simulatorReady().medianMillis(), "ms")
            .withNote(
                "time the controller simulator alone needs to make "
                    + s.services()
                    + " Deployments ready (undelayed client, 5 ms polls): part of every"
                    + " readiness figure, not the library's cost"));
    // 2 teardown
    figures.add(
        Figure.of("teardown", main.down().medianMillis(), "ms")
            .withBaseline(main.baselineDown().medianMillis())
            .withFloor(2 * rttMs)
            .withNote(
                rttNote(main.down().medianMillis(), s.rtt())
                    + " target<="
                    + 3 * rttMs
                    + stallNote(main.down())));
    counts.add(count("teardown", main.down(), main.baselineDown()));
    Scenarios.Series clean = main.down().unstalled();
    if (main.down().stalls() > 0 && !clean.runs().isEmpty()) {
      figures.add(
          Figure.of("teardown-unstalled", clean.medianMillis(), "ms")
              .withBaseline(main.baselineDown().medianMillis())
              .withFloor(2 * rttMs)
              .withNote(
                  rttNote(clean.medianMillis(), s.rtt())
                      + " median of the "
                      + clean.runs().size()
                      + " run(s) without a lost watch event"));
    }

    // 3 janitor
    Scenarios.Series janitor = scenarios.janitor();
    String janitorName = "janitor-" + s.janitorTotal();
    figures.add(
        Figure.of(janitorName, janitor.medianMillis(), "ms")
            .withFloor(2 * rttMs)
            .withNote(rttNote(janitor.medianMillis(), s.rtt()) + " target<=" + 25 * rttMs));
    counts.add(count(janitorName, janitor, null));

    // 4, 5: need the Job runner and the JUnit extension
    Scenarios.JobLatency job = scenarios.jobResultLatency();
    figures.add(
        Figure.of("job-result-latency", job.watch().medianMillis(), "ms")
            .withBaseline(job.polling().medianMillis())
            .withFloor(0.5 * rttMs)
            .withNote(
                rttNote(job.watch().medianMillis(), s.rtt())
                    + " target<="
                    + 2 * rttMs
                    + " baseline=polling every "
                    + Baseline.POLL.toMillis()
                    + "ms"));
    counts.add(count("job-result-latency(whole run)", job.watch(), job.polling()));
    extensionOverhead(scenarios, s, figures, counts);

    // 6 memory and concurrency
    figures.add(scenarios.memory());
    figures.addAll(scenarios.concurrent(main.up().medianMillis()));

    // 7 load-transform
    figures.addAll(scenarios.loadTransform());

    // 8 scaling
    for (Scenarios.ProvisionResult p : provisions) {
      double ms = p.rtt().toMillis();
      String name = provisionName + "@" + p.rtt().toMillis() + "ms";
      figures.add(
          Figure.of(name, p.up().medianMillis(), "ms")
              .withBaseline(p.baselineUp().medianMillis())
              .withFloor(5 * ms)
              .withNote(rttNote(p.up().medianMillis(), p.rtt()) + stallNote(p.up())));
      counts.add(count(name, p.up(), p.baselineUp()));
    }

    // 9 the in-cluster E2E hand-off of a large report
    figures.addAll(HandOffBench.figures(s.handOffTests(), s.repetitions(), progress));
    return new Result(figures, counts);
  }

  /** Scenario 5: adds the extension-overhead figure and its request count. */
  static void extensionOverhead(
      Scenarios scenarios, Settings s, List<Figure> figures, List<String> counts) throws Exception {
    Scenarios.Overhead overhead = scenarios.extensionOverhead();
    double overheadMs = overhead.with().medianMillis() - overhead.without().medianMillis();
    figures.add(
        Figure.of("extension-overhead", overheadMs, "ms")
            .withBaseline(overhead.without().medianMillis())
            .withNote(
                String.format(
                        Locale.ROOT,
                        "with=%.1fms rtt=%dms",
                        overhead.with().medianMillis(),
                        s.rtt().toMillis())
                    + " (median with minus median without; "
                    + OverheadSuites.TESTS
                    + " no-op tests, one-ConfigMap stack, readiness none) target<=500"));
    counts.add(count("extension-overhead", overhead.with(), overhead.without()));
  }

  private static String stallNote(Scenarios.Series series) {
    long n = series.stalls();
    return n == 0
        ? ""
        : " stalls="
            + n
            + "/"
            + series.runs().size()
            + " (waited "
            + Scenarios.WAIT_TIMEOUT.toSeconds()
            + " s for a watch event the in-process server lost; see README)";
  }

  private static String rttNote(double millis, Duration rtt) {
    if (rtt.isZero()) {
      return "";
    }
    return String.format(Locale.ROOT, "rtts=%.1f", millis / rtt.toMillis());
  }

  private static String count(String scenario, Scenarios.Series ours, Scenarios.Series baseline) {
    return "COUNT "
        + scenario
        + " previewenv "
        + ours.requests()
        + (baseline == null ? "" : " baseline " + baseline.requests());
  }
}
