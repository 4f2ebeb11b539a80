package dev.previewenv.launcher;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClasspathRoots;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.RunSummary;
import dev.previewenv.protocol.TerminationMessage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TagFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * Entry point of an E2E suite image: runs the selected test classes through the JUnit Platform
 * Launcher (see {@link E2eSettings} for the environment variables) and hands the results back to
 * the host through its standard output while it runs ({@link HandOff}): the plan of every test at
 * the start, one JUnit XML report per class as soon as the class finished, the files of the
 * artifacts folder, and an end record. It also writes the whole run's JUnit XML to the results
 * folder, prints a summary, writes a JSON summary of at most 4 KiB to the termination-message path
 * ({@link TerminationMessage}) and exits 0 when all tests passed, 1 when some failed, 2 when no
 * test ran to a verdict (none found, or all skipped) or the launcher could not run. When the JVM is
 * stopped mid-run (SIGTERM at the Job's deadline, an eviction), a shutdown hook hands back the
 * tests finished in the running classes and an end record saying so.
 */
public final class E2eMain {

  private static final Pattern PACKAGE = Pattern.compile("[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)*");

  private E2eMain() {}

  /** Runs the suite as the environment says and exits with the run's code. */
  public static void main(String[] args) {
    System.exit(run(System.getenv(), System.out));
  }

  /** Runs the suite with settings from {@code env}, printing to {@code out}; returns the code. */
  public static int run(Map<String, String> env, PrintStream out) {
    E2eSettings settings;
    try {
      settings = E2eSettings.fromEnv(env);
    } catch (RuntimeException e) {
      out.println("E2E: cannot run: " + e.getMessage());
      return 2;
    }
    return run(settings, out);
  }

  /** Runs the suite with {@code settings}, printing to {@code out}; returns the exit code. */
  public static int run(E2eSettings settings, PrintStream out) {
    long start = System.nanoTime();
    HandOff.Writer writer =
        new HandOff.Writer(
            HandOff.newRunId(),
            line -> {
              out.println(line);
              out.flush();
            });
    ResultStream stream =
        new ResultStream(
            writer, new Artifacts(settings.artifactsDir(), settings.artifactLimit(), writer, out));
    Thread hook = new Thread(stream::interrupted, "previewenv-e2e-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    RunSummary summary;
    try {
      summary = execute(settings, out, start, stream);
    } catch (RuntimeException | IOException | LinkageError e) {
      summary =
          RunSummary.error(
              "the launcher could not run the suite: " + e,
              (System.nanoTime() - start) / 1_000_000);
      out.println("E2E: ERROR " + summary.error());
      e.printStackTrace(out);
    }
    out.printf(
        "E2E: %s (exit %d): %d found, %d passed, %d failed, %d aborted, %d skipped,"
            + " %d containers failed, %d ms%n",
        summary.status(),
        summary.exitCode(),
        summary.found(),
        summary.succeeded(),
        summary.failed(),
        summary.aborted(),
        summary.skipped(),
        summary.containersFailed(),
        summary.durationMillis());
    writeTerminationMessage(settings.terminationLog(), summary, out);
    stream.end(summary.status(), summary.exitCode(), summary.error());
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook sees that the run has ended
    }
    out.flush();
    return summary.exitCode();
  }

  private static RunSummary execute(
      E2eSettings settings, PrintStream out, long start, ResultStream stream) throws IOException {
    List<DiscoverySelector> selectors = new ArrayList<>();
    if (settings.select().isEmpty()) {
      Set<Path> roots = classPathDirectories();
      if (roots.isEmpty()) {
        return RunSummary.error(
            "PREVIEWENV_E2E_SELECT is not set and the class path has no directory of classes to"
                + " scan; set it to packages or fully qualified class names, comma separated",
            (System.nanoTime() - start) / 1_000_000);
      }
      selectors.addAll(selectClasspathRoots(roots));
    }
    for (String name : settings.select()) {
      if (isClass(name)) {
        selectors.add(selectClass(name));
      } else if (PACKAGE.matcher(name).matches()) {
        selectors.add(selectPackage(name));
      } else {
        return RunSummary.error(
            "PREVIEWENV_E2E_SELECT names '"
                + name
                + "', which is neither a class on the classpath nor a package name; give"
                + " packages (e.g. com.example.e2e) or fully qualified class names, comma"
                + " separated",
            (System.nanoTime() - start) / 1_000_000);
      }
    }
    LauncherDiscoveryRequestBuilder builder = request().selectors(selectors);
    if (!settings.includeTags().isEmpty()) {
      builder.filters(TagFilter.includeTags(settings.includeTags()));
    }
    if (!settings.excludeTags().isEmpty()) {
      builder.filters(TagFilter.excludeTags(settings.excludeTags()));
    }
    LauncherDiscoveryRequest request = builder.build();

    Files.createDirectories(settings.resultsDir());
    try {
      Files.createDirectories(settings.artifactsDir());
      System.setProperty(E2eSettings.ARTIFACTS_PROPERTY, settings.artifactsDir().toString());
    } catch (IOException e) {
      out.println(
          "E2E: WARNING cannot create the artifacts folder "
              + settings.artifactsDir()
              + " ("
              + e
              + "); set PREVIEWENV_E2E_ARTIFACTS to a writable folder");
    }
    PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
    SummaryGeneratingListener counts = new SummaryGeneratingListener();
    FailureCollector failures = new FailureCollector(out);
    LauncherFactory.create()
        .execute(
            request,
            counts,
            failures,
            stream,
            new LegacyXmlReportGeneratingListener(settings.resultsDir(), writer));
    TestExecutionSummary s = counts.getSummary();
    s.printTo(writer);
    writer.flush();

    long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
    String status;
    int exitCode;
    if (failed > 0) {
      status = "FAILED";
      exitCode = 1;
    } else if (s.getTestsSucceededCount() == 0) {
      status = "NO_TESTS";
      exitCode = 2;
    } else {
      status = "PASSED";
      exitCode = 0;
    }
    return new RunSummary(
        status,
        exitCode,
        s.getTestsFoundCount(),
        s.getTestsSucceededCount(),
        s.getTestsFailedCount(),
        s.getTestsAbortedCount(),
        s.getTestsSkippedCount(),
        s.getContainersFailedCount(),
        (System.nanoTime() - start) / 1_000_000,
        failures.failures(),
        exitCode == 2
            ? "no test ran to a verdict: check PREVIEWENV_E2E_SELECT "
                + (settings.select().isEmpty()
                    ? "(not set: the class path's directories)"
                    : settings.select())
                + " and the tag filters "
                + settings.includeTags()
                + " / "
                + settings.excludeTags()
            : null);
  }

  /** The directories of the class path ({@code /app/classes}, {@code /app/test-classes}, ...). */
  private static Set<Path> classPathDirectories() {
    Set<Path> dirs = new LinkedHashSet<>();
    for (String entry : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      if (!entry.isBlank() && Files.isDirectory(Path.of(entry))) {
        dirs.add(Path.of(entry));
      }
    }
    return dirs;
  }

  private static boolean isClass(String name) {
    try {
      Class.forName(name, false, Thread.currentThread().getContextClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static void writeTerminationMessage(Path path, RunSummary summary, PrintStream out) {
    try {
      Files.writeString(path, TerminationMessage.render(summary), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      // The exit code and the XML still report the run; say why the summary is missing.
      out.println(
          "E2E: WARNING could not write the JSON summary to "
              + path
              + " ("
              + e
              + "); set PREVIEWENV_TERMINATION_LOG to a writable file");
    }
  }
}
