package dev.previewenv.benchmarks;

import java.util.Arrays;

final class Stats {
  private Stats() {}

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  static double medianMillis(long[] nanos) {
    return median(Arrays.stream(nanos).mapToDouble(n -> n / 1_000_000.0).toArray());
  }
}
