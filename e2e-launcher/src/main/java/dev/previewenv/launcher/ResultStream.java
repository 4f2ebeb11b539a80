package dev.previewenv.launcher;

import dev.previewenv.launcher.ClassXml.Case;
import dev.previewenv.launcher.ClassXml.Status;
import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.RunEnd;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.UniqueId;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Hands the results back while the run lives: the plan (every test id) when the run starts, one
 * JUnit XML report per test class as soon as the class has finished (with the artifacts written so
 * far), and at the end the {@link RunEnd} record. When the JVM is stopped mid-run ({@link
 * #interrupted}, from a shutdown hook), the tests finished in the classes still running are handed
 * back too. Thread-safe.
 */
final class ResultStream implements TestExecutionListener {
  private final HandOff.Writer writer;
  private final Artifacts artifacts;
  private TestPlan plan;
  private final Map<UniqueId, Case> finished = new LinkedHashMap<>();
  private final Map<UniqueId, Long> started = new HashMap<>();
  private final Set<UniqueId> runningClasses = new LinkedHashSet<>();
  private final Set<String> fileNames = new HashSet<>();
  private boolean ended;

  ResultStream(HandOff.Writer writer, Artifacts artifacts) {
    this.writer = writer;
    this.artifacts = artifacts;
  }

  /** The id of a test as the host sees it: {@code <classname>#<name>} of its XML test case. */
  static String testId(TestPlan plan, TestIdentifier id) {
    return className(plan, id) + "#" + id.getLegacyReportingName().replace('\n', ' ');
  }

  static String className(TestPlan plan, TestIdentifier id) {
    if (id.getSource().orElse(null) instanceof MethodSource m) {
      return m.getClassName();
    }
    Optional<TestIdentifier> at = Optional.of(id);
    while (at.isPresent()) {
      if (at.get().getSource().orElse(null) instanceof ClassSource c) {
        return c.getClassName();
      }
      at = plan.getParent(at.get());
    }
    return "";
  }

  private static boolean isClass(TestIdentifier id) {
    return id.isContainer() && id.getSource().orElse(null) instanceof ClassSource;
  }

  @Override
  public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
    this.plan = testPlan;
    StringBuilder ids = new StringBuilder();
    for (TestIdentifier root : testPlan.getRoots()) {
      for (TestIdentifier d : testPlan.getDescendants(root)) {
        if (d.isTest()) {
          ids.append(testId(testPlan, d)).append('\n');
        }
      }
    }
    writer.write(HandOff.Kind.PLAN, "plan", ids.toString());
  }

  @Override
  public synchronized void executionStarted(TestIdentifier id) {
    started.put(id.getUniqueIdObject(), System.nanoTime());
    if (isClass(id)) {
      runningClasses.add(id.getUniqueIdObject());
    }
  }

  @Override
  public synchronized void executionSkipped(TestIdentifier id, String reason) {
    String why = reason == null ? "" : reason;
    if (id.isTest()) {
      record(id, Status.SKIPPED, why, "", "");
    } else {
      notFinishedBelow(id, Status.SKIPPED, why, "", "");
    }
    if (isClass(id)) {
      emit(id);
    }
  }

  @Override
  public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
    String message = message(result);
    String type = result.getThrowable().map(t -> t.getClass().getName()).orElse("");
    String trace = result.getThrowable().map(ResultStream::trace).orElse("");
    if (id.isTest()) {
      switch (result.getStatus()) {
        case SUCCESSFUL -> record(id, Status.PASSED, "", "", "");
        case ABORTED -> record(id, Status.SKIPPED, message, "", "");
        case FAILED -> record(id, Status.FAILED, message, type, trace);
      }
    } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
      // a failed or aborted class (e.g. in @BeforeAll): its tests never ran; say so on each
      String where = "in " + id.getDisplayName() + ": " + message;
      notFinishedBelow(
          id,
          result.getStatus() == TestExecutionResult.Status.FAILED ? Status.FAILED : Status.SKIPPED,
          where,
          type,
          trace);
    }
    if (isClass(id)) {
      runningClasses.remove(id.getUniqueIdObject());
      emit(id);
    }
  }

  @Override
  public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
    // tests outside any class (other engines): by class name
    Map<String, List<UniqueId>> byClass = new LinkedHashMap<>();
    for (Map.Entry<UniqueId, Case> e : finished.entrySet()) {
      byClass.computeIfAbsent(e.getValue().className(), k -> new ArrayList<>()).add(e.getKey());
    }
    byClass.forEach((name, ids) -> write(name.isEmpty() ? "tests" : name, ids));
    artifacts.ship();
  }

  /** Writes the end record, unless a shutdown hook did. */
  synchronized void end(String status, int exitCode, String reason) {
    if (ended) {
      return;
    }
    ended = true;
    artifacts.ship();
    writer.write(
        HandOff.Kind.END, "end", new RunEnd(status, exitCode, writer.written(), reason).render());
  }

  /**
   * The JVM is being stopped before the run ended: hands back what the running classes have
   * finished and writes an {@link RunEnd#INTERRUPTED} end record. Does nothing after {@link #end}.
   */
  synchronized void interrupted() {
    if (ended) {
      return;
    }
    List<String> running = new ArrayList<>();
    for (UniqueId c : List.copyOf(runningClasses)) {
      running.add(plan == null ? c.toString() : plan.getTestIdentifier(c).getDisplayName());
      if (plan != null) {
        emit(plan.getTestIdentifier(c));
      }
    }
    end(
        RunEnd.INTERRUPTED,
        -1,
        "the suite's JVM was stopped before the run ended (SIGTERM: Job deadline, eviction or"
            + " deletion; or System.exit)"
            + (running.isEmpty() ? "" : " while running " + String.join(", ", running)));
  }

  private void record(TestIdentifier id, Status status, String message, String type, String trace) {
    Long t0 = started.remove(id.getUniqueIdObject());
    Duration time = t0 == null ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - t0);
    finished.put(
        id.getUniqueIdObject(),
        new Case(
            className(plan, id), id.getLegacyReportingName(), status, message, type, trace, time));
  }

  /** Records every planned test below {@code container} that has no result yet. */
  private void notFinishedBelow(
      TestIdentifier container, Status status, String message, String type, String trace) {
    if (plan == null) {
      return;
    }
    for (TestIdentifier d : plan.getDescendants(container)) {
      if (d.isTest() && !finished.containsKey(d.getUniqueIdObject())) {
        record(d, status, message, type, trace);
      }
    }
  }

  /** Hands back the finished tests below {@code container} as one report. */
  private void emit(TestIdentifier container) {
    UniqueId prefix = container.getUniqueIdObject();
    List<UniqueId> mine = new ArrayList<>();
    for (UniqueId u : finished.keySet()) {
      if (u.hasPrefix(prefix)) {
        mine.add(u);
      }
    }
    String name =
        container.getSource().orElse(null) instanceof ClassSource c
            ? c.getClassName()
            : container.getDisplayName();
    write(name, mine);
    artifacts.ship();
  }

  private void write(String suite, List<UniqueId> ids) {
    if (ids.isEmpty()) {
      return;
    }
    List<Case> cases = new ArrayList<>();
    for (Iterator<UniqueId> it = ids.iterator(); it.hasNext(); ) {
      cases.add(finished.remove(it.next()));
    }
    String base = "TEST-" + suite.replaceAll("[^A-Za-z0-9._-]", "_");
    String file = base + ".xml";
    for (int i = 2; !fileNames.add(file); i++) {
      file = base + "-" + i + ".xml";
    }
    writer.write(
        HandOff.Kind.XML,
        file,
        ClassXml.render(suite, cases).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String message(TestExecutionResult result) {
    return result
        .getThrowable()
        .map(t -> t.getMessage() == null ? t.getClass().getName() : t.getMessage().strip())
        .orElse("");
  }

  private static String trace(Throwable t) {
    StringWriter sw = new StringWriter();
    t.printStackTrace(new PrintWriter(sw));
    String s = sw.toString();
    return s.length() <= 16_000 ? s : s.substring(0, 16_000) + "\n\t... (trace cut at 16000 chars)";
  }
}
