package dev.previewenv.core.testing;

import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/**
 * The tests' usual wait, in Awaitility's terms: at most 10 s, looking every 10 ms. Note
 * Awaitility's rule for {@code until(supplier, predicate)}: a {@code null} value never matches, so
 * wait for absence with {@code until(() -> get() == null)}.
 */
public final class Waits {
  /** How long {@link #eventually} waits at most. */
  public static final Duration AT_MOST = Duration.ofSeconds(10);

  /** How often it looks. */
  public static final Duration POLL = Duration.ofMillis(10);

  private Waits() {}

  /** A wait for {@code what} (named in the timeout's message). */
  public static ConditionFactory eventually(String what) {
    return Awaitility.await(what).atMost(AT_MOST).pollInterval(POLL);
  }
}
