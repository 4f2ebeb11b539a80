package dev.previewenv.benchmarks;

import java.util.Locale;

/**
 * One measured figure, printed as {@code BENCH <scenario> <value> <unit> baseline=<value>
 * ratio=<baseline/value> floor=<value> [note]}; baseline, ratio and floor only where they apply. A
 * scenario that could not be measured is printed as {@code BENCH <scenario> not measured: <why>}.
 */
record Figure(
    String scenario, double value, String unit, Double baseline, Double floor, String note) {

  static Figure of(String scenario, double value, String unit) {
    return new Figure(scenario, value, unit, null, null, null);
  }

  static Figure notMeasured(String scenario, String why) {
    return new Figure(scenario, Double.NaN, null, null, null, "not measured: " + why);
  }

  Figure withBaseline(double baseline) {
    return new Figure(scenario, value, unit, baseline, floor, note);
  }

  Figure withFloor(double floor) {
    return new Figure(scenario, value, unit, baseline, floor, note);
  }

  Figure withNote(String note) {
    return new Figure(scenario, value, unit, baseline, floor, note);
  }

  boolean measured() {
    return !Double.isNaN(value);
  }

  String line() {
    if (!measured()) {
      return "BENCH " + scenario + " " + note;
    }
    StringBuilder sb = new StringBuilder("BENCH ").append(scenario).append(' ');
    sb.append(num(value)).append(' ').append(unit);
    if (baseline != null) {
      sb.append(" baseline=").append(num(baseline));
      sb.append(" ratio=").append(String.format(Locale.ROOT, "%.2f", baseline / value));
    }
    if (floor != null) {
      sb.append(" floor=").append(num(floor));
    }
    if (note != null) {
      sb.append(' ').append(note);
    }
    return sb.toString();
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e12
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
