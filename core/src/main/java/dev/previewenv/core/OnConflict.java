package dev.previewenv.core;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Provisioner#up(Plan)} does when the environment is held by another live owner (one
 * whose Lease {@code previewenv-owner} is being renewed): fail at once (the default), wait a
 * bounded time for that owner to finish, or take the environment over explicitly. An owner that was
 * taken over stops renewing and never deletes the environment.
 *
 * <pre>{@code
 * Provisioner.forClient(client).withOnConflict(OnConflict.waitAtMost(Duration.ofMinutes(10)));
 * }</pre>
 */
public final class OnConflict {
  /** The three policies. */
  public enum Mode {
    /** Fail at once with an {@link OwnerConflictException} naming the holder and since when. */
    FAIL,
    /** Wait, at most {@link #maxWait()}, until the holder releases or stops renewing its lease. */
    WAIT,
    /** Take the environment over; the previous holder is logged and will leave it alone. */
    TAKE_OVER
  }

  private static final OnConflict FAIL = new OnConflict(Mode.FAIL, Duration.ZERO);
  private static final OnConflict TAKE_OVER = new OnConflict(Mode.TAKE_OVER, Duration.ZERO);

  private final Mode mode;
  private final Duration maxWait;

  private OnConflict(Mode mode, Duration maxWait) {
    this.mode = mode;
    this.maxWait = maxWait;
  }

  /** Fail at once naming the holder and since when (the default). */
  public static OnConflict fail() {
    return FAIL;
  }

  /** Wait at most {@code maxWait} for the holder to go, then fail naming it. */
  public static OnConflict waitAtMost(Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    if (maxWait.isNegative() || maxWait.isZero()) {
      throw new IllegalArgumentException(
          "maxWait must be positive, was " + maxWait + "; use OnConflict.fail() not to wait");
    }
    return new OnConflict(Mode.WAIT, maxWait);
  }

  /** Take the environment over from its holder, which then stops and leaves it alone. */
  public static OnConflict takeOver() {
    return TAKE_OVER;
  }

  /** The policy. */
  public Mode mode() {
    return mode;
  }

  /** How long {@link Mode#WAIT} waits; zero for the other modes. */
  public Duration maxWait() {
    return maxWait;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OnConflict c && c.mode == mode && c.maxWait.equals(maxWait);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, maxWait);
  }

  @Override
  public String toString() {
    return mode == Mode.WAIT ? "OnConflict.waitAtMost(" + maxWait + ")" : "OnConflict." + mode;
  }
}
