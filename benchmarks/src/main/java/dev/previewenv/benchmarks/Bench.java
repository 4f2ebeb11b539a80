package dev.previewenv.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs every benchmark scenario and prints one {@code BENCH} line per figure, plus {@code COUNT}
 * lines with the requests behind each figure. Arguments: {@code --reps N} (default 5), {@code
 * --quiet} (no progress lines).
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    int reps = 5;
    boolean quiet = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--quiet" -> quiet = true;
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
    Result r = run(Settings.full(reps), progress);
    System.out.println();
    r.lines().forEach(System.out::println);
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
            .withNote(rttNote(main.up().medianMillis(), s.rtt())));
    counts.add(count(provisionName, main.up(), main.baselineUp()));
    // 2 teardown
    figures.add(
        Figure.of("teardown", main.down().medianMillis(), "ms")
            .withBaseline(main.baselineDown().medianMillis())
            .withFloor(2 * rttMs)
            .withNote(rttNote(main.down().medianMillis(), s.rtt()) + " target<=" + 3 * rttMs));
    counts.add(count("teardown", main.down(), main.baselineDown()));

    // 3 janitor
    Scenarios.Series janitor = scenarios.janitor();
    String janitorName = "janitor-" + s.janitorTotal();
    figures.add(
        Figure.of(janitorName, janitor.medianMillis(), "ms")
            .withFloor(2 * rttMs)
            .withNote(rttNote(janitor.medianMillis(), s.rtt()) + " target<=" + 25 * rttMs));
    counts.add(count(janitorName, janitor, null));

    // 4, 5: need the Job runner and the JUnit extension
    figures.add(
        Figure.notMeasured(
            "job-result-latency",
            "the E2E Job runner (branch jobrunner) had not landed anything usable in core when"
                + " this run was made"));
    figures.add(
        Figure.notMeasured(
            "extension-overhead",
            "the JUnit extension is not merged into this branch yet (needs junit-extension and"
                + " junit-platform-testkit in benchmarks)"));

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
              .withNote(rttNote(p.up().medianMillis(), p.rtt())));
      counts.add(count(name, p.up(), p.baselineUp()));
    }
    return new Result(figures, counts);
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
