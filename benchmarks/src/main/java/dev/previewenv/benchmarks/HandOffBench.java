package dev.previewenv.benchmarks;

import dev.previewenv.core.internal.job.JUnitXml;
import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Scenario 9, the in-cluster E2E hand-off of a large JUnit XML report: encoding into log records
 * (as the launcher does), decoding from a log as the kubelet serves it with {@code --timestamps}
 * and a foreign line after every tenth record line (as the runner does while the run lives), and
 * parsing the test cases. Checks that the report comes back byte-equal.
 */
final class HandOffBench {
  private HandOffBench() {}

  /** A report of {@code tests} test cases in classes of 50, unicode names, CDATA output. */
  static byte[] report(int tests) {
    StringBuilder sb = new StringBuilder(tests * 400);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    for (int c = 0; c * 50 < tests; c++) {
      int n = Math.min(50, tests - c * 50);
      sb.append("<testsuite name=\"shop.Grüße").append(c).append("E2E\" tests=\"").append(n);
      sb.append("\">\n");
      for (int i = 0; i < n; i++) {
        int t = c * 50 + i;
        sb.append("  <testcase classname=\"shop.Grüße").append(c).append("E2E\" name=\"");
        sb.append("bestellung_").append(t).append("_漢字_😀(String)\" time=\"0.0").append(t % 10);
        sb.append("\">");
        if (t % 97 == 0) {
          sb.append("<failure message=\"expected &lt;201&gt; but was &lt;500&gt;\" type=\"");
          sb.append("org.opentest4j.AssertionFailedError\">at shop.Grüße.bestellung(Grüße.java:");
          sb.append(t).append(")</failure>");
        }
        sb.append("<system-out><![CDATA[GET /api/orders/").append(t);
        sb.append(" -> 200 {\"name\":\"Käse & <Brot>\",\"emoji\":\"🧀\"} ]]></system-out>");
        sb.append("</testcase>\n");
      }
      sb.append("</testsuite>\n");
    }
    sb.append("</testsuites>\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The log as the runner reads it: timestamps, and a foreign line after every tenth line. */
  static List<String> log(byte[] report) {
    List<String> lines = HandOff.lines("bench123.1", HandOff.Kind.XML, "TEST-big.xml", report);
    List<String> log = new ArrayList<>(lines.size() + lines.size() / 10 + 1);
    for (int i = 0; i < lines.size(); i++) {
      log.add("2026-12-01T08:15:02." + (100_000_000 + i) + "Z " + lines.get(i));
      if (i % 10 == 0) {
        log.add("2026-12-01T08:15:02." + (100_000_000 + i) + "Z [side thread] still polling " + i);
      }
    }
    return log;
  }

  static List<Figure> figures(int tests, int reps, Consumer<String> progress) {
    String name = "e2e-handoff-" + tests;
    byte[] report = report(tests);
    int runs = Math.max(1, reps);
    long[] encode = new long[runs];
    long[] decode = new long[runs];
    long[] parse = new long[runs];
    double[] heap = new double[runs];
    List<String> log = null;
    for (int r = -1; r < runs; r++) { // r = -1: warm-up
      long t0 = System.nanoTime();
      log = log(report);
      long t1 = System.nanoTime();
      HandOffDecoder decoder = new HandOffDecoder();
      byte[] back;
      double added;
      try (HeapSampler sampler = new HeapSampler()) {
        t1 = System.nanoTime();
        log.forEach(decoder::accept);
        List<HandOffRecord> records = decoder.records();
        back = records.isEmpty() ? new byte[0] : records.get(0).content();
        added = HeapSampler.mb(sampler.peak() - sampler.baseline());
      }
      long t2 = System.nanoTime();
      if (!decoder.problems().isEmpty() || !Arrays.equals(back, report)) {
        return List.of(
            Figure.notMeasured(
                name, "the report did not come back byte-equal: " + decoder.problems()));
      }
      int cases = JUnitXml.parse(new String(back, StandardCharsets.UTF_8)).size();
      long t3 = System.nanoTime();
      if (cases != tests) {
        return List.of(
            Figure.notMeasured(name, "parsed " + cases + " test cases, expected " + tests));
      }
      if (r >= 0) {
        encode[r] = t1 - t0;
        decode[r] = t2 - t1;
        parse[r] = t3 - t2;
        heap[r] = added;
        progress.accept(
            String.format(
                Locale.ROOT,
                "%s run %d: encode %.1f ms, decode %.1f ms, parse %.1f ms",
                name,
                r,
                encode[r] / 1e6,
                decode[r] / 1e6,
                parse[r] / 1e6));
      }
    }
    long[] total = new long[runs];
    for (int i = 0; i < runs; i++) {
      total[i] = encode[i] + decode[i];
    }
    long logBytes = log.stream().mapToLong(l -> l.length() + 1).sum();
    String sizes =
        String.format(
            Locale.ROOT,
            "report=%.1fMB log=%.1fMB lines=%d",
            HeapSampler.mb(report.length),
            HeapSampler.mb(logBytes),
            log.size());
    return List.of(
        Figure.of(name, Stats.medianMillis(total), "ms")
            .withNote(
                String.format(
                        Locale.ROOT,
                        "encode=%.1fms decode=%.1fms ",
                        Stats.medianMillis(encode),
                        Stats.medianMillis(decode))
                    + sizes
                    + String.format(Locale.ROOT, " decode-heap-added=%.1fMB", Stats.median(heap))
                    + " (launcher's records to host's decoded bytes, byte-equal; timestamps and a"
                    + " foreign line every tenth line; heap: peak minus after-GC, upper bound)"),
        Figure.of(name + "-parse", Stats.medianMillis(parse), "ms")
            .withNote("JUnit XML of the decoded report to " + tests + " test cases (DOM)"));
  }
}
