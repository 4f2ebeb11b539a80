package dev.previewenv.core.internal.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * How often and how long {@link Retry} tries an idempotent request again.
 *
 * @param maxAttempts attempts in total, the first included (1 means no retry)
 * @param maxTotal the longest time from the first attempt to the start of the last; a backoff that
 *     would end later is not waited for
 * @param initialBackoff the backoff before the second attempt; doubled for each further attempt
 * @param maxBackoff the longest single backoff (before jitter); a server's Retry-After is honoured
 *     even when longer, as long as it fits into {@code maxTotal}
 * @param seed the seed of the jitter, for reproducible tests; empty for a random seed
 */
public record RetryPolicy(
    int maxAttempts,
    Duration maxTotal,
    Duration initialBackoff,
    Duration maxBackoff,
    OptionalLong seed) {
  public RetryPolicy {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new IllegalArgumentException("maxAttempts must be 1 to 100, was " + maxAttempts);
    }
    Objects.requireNonNull(maxTotal, "maxTotal");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(seed, "seed");
    if (maxTotal.isNegative() || initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "durations of a retry policy must not be negative: maxTotal "
              + maxTotal
              + ", initialBackoff "
              + initialBackoff
              + ", maxBackoff "
              + maxBackoff);
    }
  }

  /** 6 attempts within 30 seconds, backoff 200 ms doubling up to 5 s, random jitter. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        6,
        Duration.ofSeconds(30),
        Duration.ofMillis(200),
        Duration.ofSeconds(5),
        OptionalLong.empty());
  }

  /** One attempt only. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, OptionalLong.empty());
  }

  /** This policy with {@code attempts} and {@code total}. */
  public RetryPolicy withLimits(int attempts, Duration total) {
    return new RetryPolicy(attempts, total, initialBackoff, maxBackoff, seed);
  }

  /** This policy with the given backoffs. */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, maxTotal, initial, max, seed);
  }

  /** This policy with a fixed jitter seed. */
  public RetryPolicy withSeed(long seed) {
    return new RetryPolicy(
        maxAttempts, maxTotal, initialBackoff, maxBackoff, OptionalLong.of(seed));
  }
}
