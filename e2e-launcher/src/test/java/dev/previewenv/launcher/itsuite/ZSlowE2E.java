package dev.previewenv.launcher.itsuite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** One quick test, then one that outlasts any deadline the ITs give the Job. */
public class ZSlowE2E {
  @Test
  void aQuickOne() {
    assertTrue(true);
  }

  @Test
  void bOutlastsTheDeadline() throws InterruptedException {
    Thread.sleep(600_000);
  }

  @Test
  void cNeverReached() {
    assertTrue(true);
  }
}
