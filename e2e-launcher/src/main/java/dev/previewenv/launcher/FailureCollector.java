package dev.previewenv.launcher;

import dev.previewenv.protocol.RunSummary;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

/** Prints one line per finished test and collects every failure with a readable test id. */
final class FailureCollector implements TestExecutionListener {

  private final PrintStream out;
  private final List<RunSummary.Failure> failures = Collections.synchronizedList(new ArrayList<>());

  FailureCollector(PrintStream out) {
    this.out = out;
  }

  List<RunSummary.Failure> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest() || id.getSource().isPresent()) {
      out.println("SKIPPED " + name(id) + ": " + reason);
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    String name = name(id);
    switch (result.getStatus()) {
      case SUCCESSFUL -> {
        if (id.isTest()) {
          out.println("PASSED  " + name);
        }
      }
      case ABORTED -> out.println("ABORTED " + name + ": " + message(result));
      case FAILED -> {
        String message = message(result);
        out.println("FAILED  " + name + ": " + message);
        failures.add(new RunSummary.Failure(name, message));
      }
    }
  }

  private static String message(TestExecutionResult result) {
    return result
        .getThrowable()
        .map(t -> t.getMessage() == null ? t.getClass().getName() : t.getMessage().strip())
        .orElse("(no cause reported)");
  }

  /** {@code Class#method}, plus the display name for an invocation of a templated test. */
  static String name(TestIdentifier id) {
    TestSource source = id.getSource().orElse(null);
    if (source instanceof MethodSource m) {
      String base = m.getClassName() + "#" + m.getMethodName();
      boolean invocation = id.getUniqueIdObject().getLastSegment().getType().contains("invocation");
      return invocation ? base + " " + id.getDisplayName() : base;
    }
    if (source instanceof ClassSource c) {
      return c.getClassName();
    }
    return id.getDisplayName();
  }
}
