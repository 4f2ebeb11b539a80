package dev.previewenv.launcher.itsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Starts a thread that keeps logging to stdout and stderr, with and without line ends, for the rest
 * of the run: during every hand-off of results, including the end record. Never stopped (daemon).
 */
public class ChattyE2E {
  private static final int TESTS = 20;

  @BeforeAll
  static void startChatter() {
    Thread chatter =
        new Thread(
            () -> {
              for (long i = 0; ; i++) {
                if (i % 3 == 0) {
                  System.out.print("chatter " + i + " without line end ");
                } else if (i % 3 == 1) {
                  System.err.println("chatter on stderr " + i);
                } else {
                  System.out.println("chatter " + i);
                }
                try {
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "chatter");
    chatter.setDaemon(true);
    chatter.start();
  }

  @org.junit.jupiter.api.RepeatedTest(TESTS)
  void repeats(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
    Thread.sleep(20);
    assertEquals(TESTS, info.getTotalRepetitions());
  }

  @Test
  void zLast() {
    System.out.println("last test of the chatty class");
  }
}
