package dev.previewenv.examples.load;

import java.util.Arrays;

/**
 * Percentiles of measured values by the nearest-rank method: the p-th percentile of n values is the
 * value at rank {@code ceil(p / 100 * n)} of the sorted values (so it is always a measured value,
 * never interpolated). Immutable.
 */
public final class Percentiles {
  private final long[] sorted;

  private Percentiles(long[] sorted) {
    this.sorted = sorted;
  }

  /** The percentiles of {@code values} (copied and sorted; the argument is left as it is). */
  public static Percentiles of(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return new Percentiles(copy);
  }

  /** How many values there are. */
  public int count() {
    return sorted.length;
  }

  /**
   * The {@code p}-th percentile.
   *
   * @param p greater than 0, at most 100
   * @throws IllegalArgumentException when {@code p} is outside (0, 100]
   * @throws IllegalStateException when there are no values
   */
  public long percentile(double p) {
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
    }
    if (sorted.length == 0) {
      throw new IllegalStateException("no values: a percentile of nothing is undefined");
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(rank, 1) - 1];
  }

  /** The largest value. */
  public long max() {
    return percentile(100);
  }
}
