package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * What a pipeline wants to know about one environment, as JSON for tools and as Markdown for a CI
 * job summary: the environment, branch and namespace, every URL, the images as requested (the
 * override entries) and as deployed (every container image of the plan), the duration of each
 * {@link Phase}, and the E2E run's counts and failures. Immutable; {@code with...} returns a copy.
 *
 * <p>Separate steps of a pipeline ({@code previewenv up}, {@code e2e}, {@code down}) each add their
 * part to the same JSON file with {@link #mergedOnto}: later values win, phases and test results
 * add up. No secret value is ever part of a report: it holds names, URLs, image references,
 * durations and test messages only.
 *
 * <pre>{@code
 * CiReport report = CiReport.of(preview).withE2e(result);
 * report.write(Path.of("target/previewenv-report.json"));
 * report.writeStepSummary(System::getenv); // appends to $GITHUB_STEP_SUMMARY when it is set
 * }</pre>
 *
 * @param environment the environment name
 * @param namespace the namespace
 * @param branch the git branch, when known
 * @param urls the URLs of each service (ingress routes, hosts rewritten), sorted by service
 * @param imagesRequested image overrides as given, e.g. {@code api=registry.example.com/api:sha-1}
 * @param imagesDeployed every distinct container image of the plan after the overrides, sorted
 * @param phases the duration of each phase that ran, in phase order
 * @param tests the E2E run, when there was one
 * @param notes one-line remarks (e.g. a failed teardown's message)
 */
public record CiReport(
    String environment,
    String namespace,
    Optional<String> branch,
    Map<String, List<URI>> urls,
    List<String> imagesRequested,
    List<String> imagesDeployed,
    Map<Phase, Duration> phases,
    Optional<Tests> tests,
    List<String> notes) {

  /** The environment variable GitHub Actions names the job summary file with. */
  public static final String GITHUB_STEP_SUMMARY = "GITHUB_STEP_SUMMARY";

  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final int MAX_FAILURES_SHOWN = 20;

  public CiReport {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(branch, "branch");
    Map<String, List<URI>> sorted = new TreeMap<>();
    urls.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
    urls = Collections.unmodifiableMap(sorted);
    imagesRequested = List.copyOf(imagesRequested);
    imagesDeployed = List.copyOf(imagesDeployed);
    Map<Phase, Duration> p = new EnumMap<>(Phase.class);
    p.putAll(phases);
    phases = Collections.unmodifiableMap(p);
    Objects.requireNonNull(tests, "tests");
    notes = List.copyOf(notes);
  }

  /**
   * The outcome of an in-cluster E2E run.
   *
   * @param outcome {@code PASSED}, {@code FAILED} or {@code ERROR} (no verdict)
   * @param total tests run, skipped ones included
   * @param passed passed tests
   * @param failed failed tests
   * @param skipped skipped tests
   * @param cause why there is no verdict, when there is none
   * @param failures each failed test as {@code Class#test: first line of the message}
   */
  public record Tests(
      String outcome,
      int total,
      int passed,
      int failed,
      int skipped,
      Optional<String> cause,
      List<String> failures) {
    public Tests {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(cause, "cause");
      failures = List.copyOf(failures);
    }

    /** The tests of {@code result}. */
    public static Tests of(E2eResult result) {
      List<String> failures = new ArrayList<>();
      for (E2eResult.TestCase t : result.failures()) {
        String message = t.message().strip();
        int nl = message.indexOf('\n');
        failures.add(
            t.id()
                + (message.isEmpty() ? "" : ": " + (nl < 0 ? message : message.substring(0, nl))));
      }
      return new Tests(
          result.outcome().name(),
          result.tests(),
          result.passed(),
          result.failed(),
          result.skipped(),
          result.cause().map(c -> c.kind() + ": " + c.message()),
          failures);
    }
  }

  /** A report of a plan (nothing provisioned yet): names, URLs and images. */
  public static CiReport of(Plan plan, List<String> imagesRequested) {
    Map<String, List<URI>> urls = new LinkedHashMap<>();
    for (Route r : plan.routes()) {
      urls.computeIfAbsent(r.service(), k -> new ArrayList<>()).add(r.url());
    }
    return new CiReport(
        plan.environment().value(),
        plan.namespace(),
        plan.environment().branch(),
        urls,
        imagesRequested,
        deployedImages(plan.objects()),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  /** A report of a provisioned environment, with the durations of its phases so far. */
  public static CiReport of(Preview preview, List<String> imagesRequested) {
    return of(preview.plan(), imagesRequested).withPhases(preview.timings());
  }

  /** A report naming only the environment, e.g. for a teardown by branch. */
  public static CiReport of(EnvironmentName environment) {
    return new CiReport(
        environment.value(),
        environment.value(),
        environment.branch(),
        Map.of(),
        List.of(),
        List.of(),
        Map.of(),
        Optional.empty(),
        List.of());
  }

  /** This report with the phase's duration set. */
  public CiReport withPhase(Phase phase, Duration duration) {
    Map<Phase, Duration> p = new EnumMap<>(Phase.class);
    p.putAll(phases);
    p.put(Objects.requireNonNull(phase, "phase"), Objects.requireNonNull(duration, "duration"));
    return new CiReport(
        environment, namespace, branch, urls, imagesRequested, imagesDeployed, p, tests, notes);
  }

  /** This report with the given phases' durations set. */
  public CiReport withPhases(Map<Phase, Duration> more) {
    CiReport r = this;
    for (Map.Entry<Phase, Duration> e : more.entrySet()) {
      r = r.withPhase(e.getKey(), e.getValue());
    }
    return r;
  }

  /** This report with the E2E run's tests and its duration as the {@link Phase#E2E} phase. */
  public CiReport withE2e(E2eResult result) {
    return new CiReport(
            environment,
            namespace,
            branch,
            urls,
            imagesRequested,
            imagesDeployed,
            phases,
            Optional.of(Tests.of(result)),
            notes)
        .withPhase(Phase.E2E, result.duration());
  }

  /** This report with the given tests. */
  public CiReport withTests(Tests tests) {
    return new CiReport(
        environment,
        namespace,
        branch,
        urls,
        imagesRequested,
        imagesDeployed,
        phases,
        Optional.of(tests),
        notes);
  }

  /** This report with one more note. */
  public CiReport withNote(String note) {
    List<String> n = new ArrayList<>(notes);
    n.add(note);
    return new CiReport(
        environment, namespace, branch, urls, imagesRequested, imagesDeployed, phases, tests, n);
  }

  /**
   * This report laid over {@code earlier} (a report of an earlier step of the same pipeline): the
   * phases of both (this one's win), this one's URLs, images and tests where it has any, the notes
   * of both. An earlier report of another environment is ignored.
   */
  public CiReport mergedOnto(CiReport earlier) {
    if (earlier == null || !earlier.environment.equals(environment)) {
      return this;
    }
    Map<Phase, Duration> p = new EnumMap<>(Phase.class);
    p.putAll(earlier.phases);
    p.putAll(phases);
    List<String> n = new ArrayList<>(earlier.notes);
    n.addAll(notes);
    return new CiReport(
        environment,
        namespace,
        branch.or(() -> earlier.branch),
        urls.isEmpty() ? earlier.urls : urls,
        imagesRequested.isEmpty() ? earlier.imagesRequested : imagesRequested,
        imagesDeployed.isEmpty() ? earlier.imagesDeployed : imagesDeployed,
        p,
        tests.or(() -> earlier.tests),
        n);
  }

  // ---- JSON ------------------------------------------------------------------------------

  /** The report as JSON (the form {@link #read} reads). */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("environment", environment);
    root.put("namespace", namespace);
    root.put("branch", branch.orElse(null));
    Map<String, Object> u = new LinkedHashMap<>();
    urls.forEach((k, v) -> u.put(k, v.stream().map(URI::toString).toList()));
    root.put("urls", u);
    Map<String, Object> images = new LinkedHashMap<>();
    images.put("requested", imagesRequested);
    images.put("deployed", imagesDeployed);
    root.put("images", images);
    Map<String, Object> ph = new LinkedHashMap<>();
    phases.forEach((k, v) -> ph.put(k.key(), Map.of("millis", v.toMillis())));
    root.put("phases", ph);
    tests.ifPresent(
        t -> {
          Map<String, Object> tm = new LinkedHashMap<>();
          tm.put("outcome", t.outcome());
          tm.put("total", t.total());
          tm.put("passed", t.passed());
          tm.put("failed", t.failed());
          tm.put("skipped", t.skipped());
          tm.put("cause", t.cause().orElse(null));
          tm.put("failures", t.failures());
          root.put("tests", tm);
        });
    root.put("notes", notes);
    return JSON.asJson(root);
  }

  /**
   * Reads a report written by {@link #write}.
   *
   * @throws PreviewEnvException naming the file when it cannot be read or is not a report
   */
  @SuppressWarnings("unchecked")
  public static CiReport read(Path file) {
    try {
      Map<String, Object> root =
          JSON.unmarshal(Files.readString(file, StandardCharsets.UTF_8), Map.class);
      Map<String, List<URI>> urls = new LinkedHashMap<>();
      ((Map<String, List<String>>) root.getOrDefault("urls", Map.of()))
          .forEach((k, v) -> urls.put(k, v.stream().map(URI::create).toList()));
      Map<String, List<String>> images =
          (Map<String, List<String>>) root.getOrDefault("images", Map.of());
      Map<Phase, Duration> phases = new EnumMap<>(Phase.class);
      ((Map<String, Map<String, Number>>) root.getOrDefault("phases", Map.of()))
          .forEach(
              (k, v) -> phases.put(Phase.ofKey(k), Duration.ofMillis(v.get("millis").longValue())));
      Optional<Tests> tests = Optional.empty();
      if (root.get("tests") instanceof Map<?, ?> t) {
        tests =
            Optional.of(
                new Tests(
                    (String) t.get("outcome"),
                    ((Number) t.get("total")).intValue(),
                    ((Number) t.get("passed")).intValue(),
                    ((Number) t.get("failed")).intValue(),
                    ((Number) t.get("skipped")).intValue(),
                    Optional.ofNullable((String) t.get("cause")),
                    (List<String>) t.get("failures")));
      }
      return new CiReport(
          (String) root.get("environment"),
          (String) root.get("namespace"),
          Optional.ofNullable((String) root.get("branch")),
          urls,
          images.getOrDefault("requested", List.of()),
          images.getOrDefault("deployed", List.of()),
          phases,
          tests,
          (List<String>) root.getOrDefault("notes", List.of()));
    } catch (IOException e) {
      throw new PreviewEnvException("Cannot read the report " + file + ": " + e, e);
    } catch (RuntimeException e) {
      throw new PreviewEnvException(
          "The file "
              + file
              + " is not a PreviewEnv report ("
              + e
              + "); delete it or point the report option at another file",
          e);
    }
  }

  /**
   * Writes the report as JSON to {@code file} (parent folders created), replacing it.
   *
   * @throws PreviewEnvException naming the file when it cannot be written
   */
  public Path write(Path file) {
    try {
      if (file.toAbsolutePath().getParent() != null) {
        Files.createDirectories(file.toAbsolutePath().getParent());
      }
      Files.writeString(file, toJson() + "\n", StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new PreviewEnvException("Cannot write the report " + file + ": " + e, e);
    }
  }

  // ---- Markdown ---------------------------------------------------------------------------

  /** The report as GitHub-flavoured Markdown, for a job summary or a merge request comment. */
  public String toMarkdown() {
    StringBuilder sb = new StringBuilder();
    String verdict =
        tests
            .map(
                t ->
                    switch (t.outcome()) {
                      case "PASSED" -> " :white_check_mark:";
                      case "FAILED" -> " :x:";
                      default -> " :warning:";
                    })
            .orElse("");
    sb.append("### Preview environment `").append(environment).append('`').append(verdict);
    sb.append("\n\n");
    sb.append("| | |\n|---|---|\n");
    sb.append("| Branch | ").append(cell(branch.orElse("(unknown)"))).append(" |\n");
    sb.append("| Namespace | `").append(namespace).append("` |\n");
    for (Map.Entry<String, List<URI>> e : urls.entrySet()) {
      sb.append("| ").append(cell(e.getKey())).append(" | ");
      List<String> links = new ArrayList<>();
      for (URI uri : e.getValue()) {
        links.add(uri.toString());
      }
      sb.append(cell(String.join(" ", links))).append(" |\n");
    }
    if (!imagesRequested.isEmpty()) {
      sb.append("| Images requested | ")
          .append(cell(String.join(", ", imagesRequested)))
          .append(" |\n");
    }
    if (!imagesDeployed.isEmpty()) {
      sb.append("| Images deployed | ")
          .append(cell(String.join(", ", imagesDeployed)))
          .append(" |\n");
    }
    if (!phases.isEmpty()) {
      sb.append("\n| Phase | Time |\n|---|---:|\n");
      phases.forEach(
          (p, d) ->
              sb.append("| ").append(p.key()).append(" | ").append(seconds(d)).append(" |\n"));
    }
    tests.ifPresent(
        t -> {
          sb.append("\n**E2E: ")
              .append(t.outcome())
              .append("**: ")
              .append(t.total())
              .append(" tests, ")
              .append(t.passed())
              .append(" passed, ")
              .append(t.failed())
              .append(" failed, ")
              .append(t.skipped())
              .append(" skipped\n");
          t.cause().ifPresent(c -> sb.append("\nNo verdict: ").append(cell(c)).append('\n'));
          if (!t.failures().isEmpty()) {
            sb.append('\n');
            t.failures().stream()
                .limit(MAX_FAILURES_SHOWN)
                .forEach(f -> sb.append("- ").append(cell(f)).append('\n'));
            if (t.failures().size() > MAX_FAILURES_SHOWN) {
              sb.append("- ... and ")
                  .append(t.failures().size() - MAX_FAILURES_SHOWN)
                  .append(" more (see the JUnit XML)\n");
            }
          }
        });
    for (String n : notes) {
      sb.append("\n> ").append(cell(n)).append('\n');
    }
    return sb.toString();
  }

  /**
   * Appends {@link #toMarkdown()} to the file named by {@value #GITHUB_STEP_SUMMARY} in {@code
   * environment} (e.g. {@code System::getenv}); does nothing when it is not set.
   *
   * @return the file written to, if any
   * @throws PreviewEnvException naming the file when it cannot be written
   */
  public Optional<Path> writeStepSummary(UnaryOperator<String> environment) {
    String target = environment.apply(GITHUB_STEP_SUMMARY);
    if (target == null || target.isBlank()) {
      return Optional.empty();
    }
    Path file = Path.of(target.strip());
    try {
      Files.writeString(
          file,
          toMarkdown() + "\n",
          StandardCharsets.UTF_8,
          StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      return Optional.of(file);
    } catch (IOException e) {
      throw new PreviewEnvException(
          "Cannot append the job summary to "
              + file
              + " (named by "
              + GITHUB_STEP_SUMMARY
              + "): "
              + e,
          new UncheckedIOException(e));
    }
  }

  private static String seconds(Duration d) {
    return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\r", " ").replace("\n", " ");
  }

  static List<String> deployedImages(List<HasMetadata> objects) {
    TreeSet<String> images = new TreeSet<>();
    for (HasMetadata o : objects) {
      collectImages(JSON.convertValue(o, Map.class), images);
    }
    return List.copyOf(images);
  }

  /** Every {@code image} of a {@code containers}/{@code initContainers} entry, at any depth. */
  private static void collectImages(Object node, TreeSet<String> images) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (("containers".equals(e.getKey()) || "initContainers".equals(e.getKey()))
            && e.getValue() instanceof List<?> list) {
          for (Object c : list) {
            if (c instanceof Map<?, ?> container && container.get("image") instanceof String i) {
              images.add(i);
            }
          }
        } else {
          collectImages(e.getValue(), images);
        }
      }
    } else if (node instanceof List<?> list) {
      for (Object item : list) {
        collectImages(item, images);
      }
    }
  }
}
