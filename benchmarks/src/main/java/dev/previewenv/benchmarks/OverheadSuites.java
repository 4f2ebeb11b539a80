package dev.previewenv.benchmarks;

import dev.previewenv.junit.PreviewEnvironment;
import org.junit.jupiter.api.Test;

/**
 * The trivial suites of the extension-overhead scenario, run only through EngineTestKit (main
 * sources, so surefire never picks them up): the same no-op tests, once plain and once under {@link
 * PreviewEnvironment} over a one-ConfigMap stack.
 */
final class OverheadSuites {
  private OverheadSuites() {}

  /** Number of tests in each suite. */
  static final int TESTS = 3;

  /** The no-op tests. */
  abstract static class NoOps {
    @Test
    void first() {}

    @Test
    void second() {}

    @Test
    void third() {}
  }

  static class Plain extends NoOps {}

  @PreviewEnvironment(manifests = "classpath:previewenv/overhead.yaml")
  static class WithEnvironment extends NoOps {}
}
