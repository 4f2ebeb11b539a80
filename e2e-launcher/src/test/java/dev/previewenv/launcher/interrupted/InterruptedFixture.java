package dev.previewenv.launcher.interrupted;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Fixture of ResultStreamTest: the second test plays the JVM being stopped mid-class (it runs the
 * shutdown hook's action), the third comes after it.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
public class InterruptedFixture {
  /** What the second test runs; set by the test that runs this fixture. */
  public static volatile Runnable stop = () -> {};

  @Test
  void aFinishes() {}

  @Test
  void bIsRunningWhenTheJvmStops() {
    stop.run();
  }

  @Test
  void cComesAfter() {}
}
