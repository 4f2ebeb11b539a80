package dev.previewenv.core;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an in-cluster E2E run ({@link E2eJob#run}) produced. A run that did not produce results is a
 * result too, never an exception: {@link #outcome()} is {@link Outcome#ERROR} and {@link #cause()}
 * names why (image pull failure, deadline exceeded, eviction, OOMKilled, ...).
 *
 * @param namespace the namespace the Job ran in
 * @param jobName the Job's name
 * @param outcome PASSED when results exist and nothing failed, FAILED when results exist and some
 *     test failed, ERROR when the run produced no usable results or ended abnormally
 * @param tests number of tests run (including skipped ones)
 * @param passed number of passed tests
 * @param failed number of failed tests (failures and errors)
 * @param skipped number of skipped (disabled or aborted) tests
 * @param testCases every in-cluster test, when the JUnit XML reports were retrieved; when only the
 *     termination-message summary was available, just the failed ones
 * @param duration from the Job's creation to its end as seen by the runner
 * @param xmlReports the raw JUnit XML reports by file name (empty when none was retrieved)
 * @param terminationMessage the suite container's termination message ({@code ""} when none)
 * @param logTail the last lines of the suite's log, without the report blocks
 * @param cause why the run did not produce (complete) results, if it did not
 * @param notes things the runner noticed that do not change the outcome (e.g. a pod evicted and
 *     replaced, a notice of the suite such as an artifact over its limit)
 * @param notRun the tests the suite planned ({@code class#name}) that have no result: the run died
 *     before they ran or their report was lost; empty when every planned test came back
 * @param resultsComplete whether every result the suite produced came back: all planned tests,
 *     every record intact, the suite's end record received. An incomplete run is never {@link
 *     Outcome#PASSED}: its {@link #cause()} says what is missing
 * @param artifacts the files the suite wrote into its artifacts folder, within its size limit
 */
public record E2eResult(
    String namespace,
    String jobName,
    Outcome outcome,
    int tests,
    int passed,
    int failed,
    int skipped,
    List<TestCase> testCases,
    Duration duration,
    Map<String, String> xmlReports,
    String terminationMessage,
    String logTail,
    Optional<Cause> cause,
    List<String> notes,
    List<String> notRun,
    boolean resultsComplete,
    List<Artifact> artifacts) {

  public E2eResult {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(jobName, "jobName");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(duration, "duration");
    if (tests < 0 || passed < 0 || failed < 0 || skipped < 0) {
      throw new IllegalArgumentException("test counts must not be negative");
    }
    testCases = List.copyOf(testCases);
    xmlReports = Collections.unmodifiableMap(new LinkedHashMap<>(xmlReports));
    terminationMessage = terminationMessage == null ? "" : terminationMessage;
    logTail = logTail == null ? "" : logTail;
    Objects.requireNonNull(cause, "cause");
    notes = List.copyOf(notes);
    notRun = List.copyOf(notRun);
    artifacts = List.copyOf(artifacts);
    if (outcome == Outcome.PASSED && (failed > 0 || cause.isPresent() || !resultsComplete)) {
      throw new IllegalArgumentException(
          "a PASSED result has no failures, no cause and complete results");
    }
  }

  /**
   * A result without plan or artifacts (complete, nothing missing): the form before {@link
   * #notRun()}, {@link #resultsComplete()} and {@link #artifacts()} existed.
   */
  public E2eResult(
      String namespace,
      String jobName,
      Outcome outcome,
      int tests,
      int passed,
      int failed,
      int skipped,
      List<TestCase> testCases,
      Duration duration,
      Map<String, String> xmlReports,
      String terminationMessage,
      String logTail,
      Optional<Cause> cause,
      List<String> notes) {
    this(
        namespace,
        jobName,
        outcome,
        tests,
        passed,
        failed,
        skipped,
        testCases,
        duration,
        xmlReports,
        terminationMessage,
        logTail,
        cause,
        notes,
        List.of(),
        true,
        List.of());
  }

  /**
   * A file the suite wrote into its artifacts folder (screenshot, HAR file, server log).
   *
   * @param path its path relative to the folder, {@code /}-separated, as the suite wrote it
   * @param content its bytes (not copied: do not change)
   */
  public record Artifact(String path, byte[] content) {
    public Artifact {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(content, "content");
    }

    @Override
    public String toString() {
      return "Artifact[" + path + ", " + content.length + " bytes]";
    }
  }

  /** How the run ended as a whole. */
  public enum Outcome {
    /** Results were retrieved and no test failed. */
    PASSED,
    /** Results were retrieved and at least one test failed. */
    FAILED,
    /** No (complete) results: see {@link E2eResult#cause()}. */
    ERROR
  }

  /** The status of one in-cluster test. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  /**
   * One in-cluster test.
   *
   * @param className the test class as reported ({@code classname} attribute), {@code ""} if none
   * @param name the test's name (method and parameters as reported)
   * @param status its status
   * @param message the failure or skip message ({@code ""} when none)
   * @param details the failure's type and stack trace when reported ({@code ""} when none)
   * @param time the reported duration ({@link Duration#ZERO} when none)
   */
  public record TestCase(
      String className, String name, Status status, String message, String details, Duration time) {
    public TestCase {
      className = className == null ? "" : className;
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(status, "status");
      message = message == null ? "" : message;
      details = details == null ? "" : details;
      time = time == null ? Duration.ZERO : time;
    }

    /** {@code className#name}, or just the name when the class is unknown. */
    public String id() {
      return className.isEmpty() ? name : className + "#" + name;
    }
  }

  /**
   * Why a run did not produce (complete) results.
   *
   * @param kind the category
   * @param message what was seen, naming the pod, container, image or reason
   */
  public record Cause(Kind kind, String message) {
    public Cause {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(message, "message");
    }

    /** Categories of causes. */
    public enum Kind {
      /** The suite image could not be pulled or used (ErrImagePull, ImagePullBackOff, ...). */
      IMAGE_PULL,
      /** The Job ran longer than its active deadline (DeadlineExceeded). */
      DEADLINE_EXCEEDED,
      /** The suite's pod was evicted (node pressure, drain, preemption). */
      EVICTED,
      /** The suite's container was killed for exceeding its memory limit. */
      OOM_KILLED,
      /** The runner's own timeout passed before the Job finished. */
      TIMEOUT,
      /** The suite ran but reported that no test ran or its launcher failed (exit code 2). */
      SUITE_ERROR,
      /** The suite's container ended without leaving reports or a summary. */
      NO_RESULTS,
      /**
       * The suite ended, but not all of its results came back: a report damaged or cut from the
       * log, planned tests without result, no end record.
       */
      INCOMPLETE_RESULTS
    }
  }

  /** The failed tests. */
  public List<TestCase> failures() {
    return testCases.stream().filter(t -> t.status() == Status.FAILED).toList();
  }

  /** One line for logs: outcome, counts, cause. */
  public String summary() {
    return "E2E run "
        + namespace
        + "/"
        + jobName
        + ": "
        + outcome
        + " ("
        + tests
        + " tests, "
        + passed
        + " passed, "
        + failed
        + " failed, "
        + skipped
        + " skipped"
        + (notRun.isEmpty() ? "" : ", " + notRun.size() + " never ran")
        + cause.map(c -> "; " + c.kind() + ": " + c.message()).orElse("")
        + ")";
  }

  /**
   * Writes the raw reports of this result to {@code reportDir/<job name>/} and its artifacts to
   * {@code reportDir/<job name>/artifacts/<path>}; returns the files. Names come from the pod log:
   * a report name that is not a plain file name is replaced, an artifact path segment that is
   * empty, {@code .} or {@code ..} or holds a backslash becomes {@code _}.
   */
  public java.util.List<java.nio.file.Path> writeReports(java.nio.file.Path reportDir) {
    java.util.List<java.nio.file.Path> written = new java.util.ArrayList<>();
    if (xmlReports().isEmpty() && artifacts().isEmpty()) {
      return written;
    }
    java.nio.file.Path dir = reportDir.resolve(jobName());
    try {
      java.nio.file.Files.createDirectories(dir);
      int i = 0;
      for (java.util.Map.Entry<String, String> e : xmlReports().entrySet()) {
        i++;
        String name = e.getKey();
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,200}") || !name.endsWith(".xml")) {
          name = "TEST-previewenv-e2e-" + i + ".xml";
        }
        java.nio.file.Path file = dir.resolve(name);
        java.nio.file.Files.writeString(
            file, e.getValue(), java.nio.charset.StandardCharsets.UTF_8);
        written.add(file);
      }
      java.nio.file.Path artifacts = dir.resolve("artifacts");
      for (Artifact a : artifacts()) {
        java.nio.file.Path file = artifacts;
        for (String segment : a.path().split("/", -1)) {
          boolean bad =
              segment.isEmpty()
                  || segment.equals(".")
                  || segment.equals("..")
                  || segment.contains("\\")
                  || segment.chars().anyMatch(c -> c < 0x20);
          file = file.resolve(bad ? "_" : segment);
        }
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.write(file, a.content());
        written.add(file);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "Cannot write the JUnit XML reports of E2E run "
              + namespace()
              + "/"
              + jobName()
              + " to "
              + dir
              + "; check that the directory is writable",
          e);
    }
    return written;
  }
}
