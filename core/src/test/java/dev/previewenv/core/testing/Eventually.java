package dev.previewenv.core.testing;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Bounded polling for tests: returns the first value that matches, or fails naming what was seen.
 */
public final class Eventually {
  private Eventually() {}

  /** Polls {@code probe} every 10 ms until {@code done} holds, for at most 10 s. */
  public static <T> T await(String what, Supplier<T> probe, Predicate<? super T> done) {
    return await(what, Duration.ofSeconds(10), probe, done);
  }

  /** Polls {@code probe} every 10 ms until {@code done} holds, for at most {@code timeout}. */
  public static <T> T await(
      String what, Duration timeout, Supplier<T> probe, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = null;
    while (true) {
      last = probe.get();
      if (done.test(last)) {
        return last;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "Timed out after " + timeout + " waiting for " + what + "; last seen: " + last);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
