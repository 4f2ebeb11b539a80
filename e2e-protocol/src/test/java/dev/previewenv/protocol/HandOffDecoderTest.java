package dev.previewenv.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.previewenv.protocol.HandOff.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandOffDecoderTest {
  private static final String XML =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"shop.OrderE2E\">"
          + "<testcase classname=\"shop.OrderE2E\" name=\"placesOrder()\"/></testsuite>\n";

  /** A report big enough for many lines: random bytes do not compress. */
  private static byte[] noise(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static HandOffDecoder feed(List<String> lines) {
    HandOffDecoder d = new HandOffDecoder();
    lines.forEach(d::accept);
    return d;
  }

  @Test
  void everyLineNamesItselfWithMarkerIdSequenceAndChecksum() {
    List<String> lines = HandOff.lines("abc123de.7", Kind.XML, "TEST-a b.xml", noise(400, 1));

    assertThat(lines.get(0))
        .matches(
            "##previewenv:1 abc123de\\.7 0 [0-9a-f]{8} xml \\d+ 400 [0-9a-f]{8} TEST-a%20b\\.xml");
    for (int i = 1; i < lines.size(); i++) {
      assertThat(lines.get(i))
          .matches("##previewenv:1 abc123de\\.7 " + i + " [0-9a-f]{8} [A-Za-z0-9+/=]{1,76}");
    }
    assertThat(lines.size()).isGreaterThan(5);
  }

  @Test
  void foreignLinesBetweenEveryLineOfTwoInterleavedRecordsAreSkipped() {
    List<String> a = HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", noise(2000, 2));
    List<String> b = HandOff.lines("run1.2", Kind.FILE, "screens/login ü.png", noise(3000, 3));
    List<String> log = new ArrayList<>();
    for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
      log.add("side thread says " + i);
      if (i < a.size()) {
        log.add(a.get(i));
      }
      log.add("java.lang.IllegalStateException: stderr of another thread");
      if (i < b.size()) {
        log.add(b.get(i));
      }
    }

    HandOffDecoder d = feed(log);

    assertThat(d.problems()).isEmpty();
    assertThat(d.records())
        .extracting(HandOffRecord::name)
        .containsExactly("TEST-a.xml", "screens/login ü.png");
    assertThat(d.records().get(0).content()).isEqualTo(noise(2000, 2));
    assertThat(d.records().get(1).content()).isEqualTo(noise(3000, 3));
    assertThat(d.records().get(1).kind()).isEqualTo(Kind.FILE);
  }

  @Test
  void reportsOfAnotherThreadInsideALineAreDetectedByTheChecksum() {
    List<String> lines =
        new ArrayList<>(HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", noise(1000, 4)));
    String third = lines.get(3);
    lines.set(3, third.substring(0, 40) + "INTERLEAVED" + third.substring(40));

    HandOffDecoder d = feed(lines);

    assertThat(d.records()).isEmpty();
    assertThat(d.problems())
        .singleElement()
        .asString()
        .contains("xml TEST-a.xml (record run1.1)")
        .contains("1 (lines 3) of")
        .contains("1 of its lines were damaged (checksum)");
  }

  @Test
  void toleratesCrlfTrailingBlanksTimestampsAndCriPrefixes() {
    List<String> lines =
        HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", XML.getBytes(StandardCharsets.UTF_8));
    List<String> crlf = lines.stream().map(l -> l + " \r").toList();
    List<String> kubectl = lines.stream().map(l -> "2026-12-01T08:15:02.123456789Z " + l).toList();
    List<String> cri =
        lines.stream().map(l -> "2026-12-01T08:15:02.123456789+01:00 stdout F " + l).toList();
    List<String> prefixed = lines.stream().map(l -> "[e2e pod] INFO main - " + l).toList();

    for (List<String> log : List.of(crlf, kubectl, cri, prefixed)) {
      HandOffDecoder d = feed(log);
      assertThat(d.problems()).isEmpty();
      assertThat(d.records()).singleElement().extracting(HandOffRecord::text).isEqualTo(XML);
    }
  }

  @Test
  void joinsPartialCriLinesPerStream() {
    List<String> lines = HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", noise(500, 5));
    List<String> log = new ArrayList<>();
    for (String l : lines) {
      // the runtime split each line in three; stderr writes in between
      log.add("2026-12-01T08:15:02.1Z stdout P " + l.substring(0, 10));
      log.add("2026-12-01T08:15:02.1Z stderr F a warning");
      log.add("2026-12-01T08:15:02.2Z stdout P " + l.substring(10, 30));
      log.add("2026-12-01T08:15:02.3Z stdout F " + l.substring(30));
    }

    HandOffDecoder d = feed(log);

    assertThat(d.problems()).isEmpty();
    assertThat(d.records())
        .singleElement()
        .extracting(HandOffRecord::content)
        .isEqualTo(noise(500, 5));
  }

  @Test
  void repeatedLinesAndRepeatedRecordsAreUsedOnce() {
    List<String> lines = HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", noise(800, 6));
    List<String> log = new ArrayList<>();
    for (String l : lines) {
      log.add(l);
      log.add(l);
    }
    log.addAll(lines); // the whole record once more, e.g. the log read again after the stream

    HandOffDecoder d = feed(log);

    assertThat(d.problems()).isEmpty();
    assertThat(d.records()).hasSize(1);
    assertThat(d.repeatedLines()).isEqualTo(2 * lines.size());
  }

  @Test
  void linesOutOfOrderStillMakeTheRecord() {
    List<String> lines = new ArrayList<>(HandOff.lines("run1.1", Kind.XML, "r.xml", noise(900, 7)));
    java.util.Collections.reverse(lines);

    HandOffDecoder d = feed(lines);

    assertThat(d.problems()).isEmpty();
    assertThat(d.records())
        .singleElement()
        .extracting(HandOffRecord::content)
        .isEqualTo(noise(900, 7));
  }

  @Test
  void aTruncatedLogNamesTheReportAndTheMissingLines() {
    List<String> good = HandOff.lines("run1.1", Kind.XML, "TEST-good.xml", noise(300, 8));
    List<String> cut = HandOff.lines("run1.2", Kind.XML, "TEST-cut.xml", noise(3000, 9));
    List<String> log = new ArrayList<>(good);
    log.addAll(cut.subList(0, cut.size() - 4));

    HandOffDecoder d = feed(log);

    assertThat(d.records()).extracting(HandOffRecord::name).containsExactly("TEST-good.xml");
    int count = cut.size() - 1;
    assertThat(d.problems())
        .singleElement()
        .asString()
        .contains("xml TEST-cut.xml (record run1.2)")
        .contains("is incomplete: 4 (lines " + (count - 3) + "-" + count + ") of " + count)
        .contains("the log was cut");
  }

  @Test
  void aLogCutAtItsStartNamesTheRecordWithoutHeader() {
    List<String> lines = HandOff.lines("run1.3", Kind.XML, "TEST-x.xml", noise(600, 10));

    HandOffDecoder d = feed(lines.subList(2, lines.size()));

    assertThat(d.records()).isEmpty();
    assertThat(d.problems())
        .singleElement()
        .asString()
        .contains("hand-off record run1.3")
        .contains("has no header line");
  }

  @Test
  void aLineMissingInTheMiddleIsNamed() {
    List<String> lines =
        new ArrayList<>(HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", noise(2000, 11)));
    lines.remove(5);
    lines.remove(9);

    HandOffDecoder d = feed(lines);

    assertThat(d.problems()).singleElement().asString().contains("2 (lines 5, 10) of");
  }

  @Test
  void corruptContentBehindValidLineChecksumsIsNamed() {
    // a writer that computed the line checksums over wrong data: the record checksum catches it
    List<String> lines =
        new ArrayList<>(
            HandOff.lines("run1.1", Kind.XML, "TEST-a.xml", XML.getBytes(StandardCharsets.UTF_8)));
    String header = lines.get(0);
    String payload = header.substring(header.indexOf(" xml ") + 1);
    String[] f = payload.split(" ");
    String forged = f[0] + " " + f[1] + " " + f[2] + " 00000000 " + f[4];
    lines.set(0, HandOff.line("run1.1", 0, forged));

    HandOffDecoder d = feed(lines);

    assertThat(d.records()).isEmpty();
    assertThat(d.problems())
        .singleElement()
        .asString()
        .contains("TEST-a.xml")
        .contains("is corrupt");
  }

  @Test
  void staysWithinItsMemoryBoundAndSaysSo() {
    HandOffDecoder d = new HandOffDecoder(64 * 1024);
    HandOff.lines("run1.1", Kind.FILE, "small.bin", noise(10_000, 12)).forEach(d::accept);
    HandOff.lines("run1.2", Kind.FILE, "big.bin", noise(100_000, 13)).forEach(d::accept);
    HandOff.lines("run1.3", Kind.FILE, "after.bin", noise(1_000, 14)).forEach(d::accept);

    assertThat(d.records()).extracting(HandOffRecord::name).containsExactly("small.bin");
    assertThat(d.problems())
        .singleElement()
        .asString()
        .contains("exceeded the host's limit")
        .contains("big.bin");
  }

  @Test
  void foreignLinesAreNotHandOffLines() {
    HandOffDecoder d = new HandOffDecoder();
    assertThat(d.accept("PASSED  shop.OrderE2E#placesOrder")).isFalse();
    assertThat(d.accept("##previewenv-junit-xml begin TEST-a.xml")).isFalse();
    assertThat(d.accept(HandOff.lines("run1.1", Kind.NOTICE, "n", new byte[] {1}).get(0))).isTrue();
    assertThat(d.accept("##previewenv:1 garbage")).isTrue();
    assertThat(d.problems()).anySatisfy(p -> assertThat(p).contains("damaged beyond recognition"));
  }

  @Test
  void refusesBadIdsAndEmptyNames() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HandOff.lines("RUN 1", Kind.XML, "a", new byte[0]))
        .withMessageContaining("<run>.<n>");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> HandOff.lines("run.1", Kind.XML, "", new byte[0]))
        .withMessageContaining("needs a name");
  }

  @Test
  void writerNumbersRecordsOfARun() {
    List<String> out = new ArrayList<>();
    HandOff.Writer w = new HandOff.Writer("k3f9x2ab", out::add);

    assertThat(w.write(Kind.PLAN, "plan", "a#b\nc#d")).isEqualTo("k3f9x2ab.1");
    assertThat(w.write(Kind.END, "end", "status=PASSED")).isEqualTo("k3f9x2ab.2");

    HandOffDecoder d = feed(out);
    assertThat(d.records())
        .extracting(HandOffRecord::text)
        .containsExactly("a#b\nc#d", "status=PASSED");
    assertThat(d.records()).extracting(HandOffRecord::runId).containsOnly("k3f9x2ab");
    assertThat(w.written()).isEqualTo(2);
  }
}
