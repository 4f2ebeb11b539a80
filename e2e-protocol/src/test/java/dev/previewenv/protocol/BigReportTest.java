package dev.previewenv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.protocol.HandOff.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 5,000-test report through a hostile log, byte-equal, in a decoder with a tight bound. */
class BigReportTest {

  static byte[] report(int tests) {
    StringBuilder sb = new StringBuilder(tests * 300);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"big\">\n");
    for (int t = 0; t < tests; t++) {
      sb.append("<testcase classname=\"shop.Grüße").append(t / 50).append("E2E\" name=\"");
      sb.append("bestellung_").append(t).append("_漢字_😀_\u00e9\u0301()\">");
      sb.append("<system-out><![CDATA[GET /api/orders/").append(t);
      sb.append(" -> {\"name\":\"Käse & <Brot>\"} ]]]]><![CDATA[> \r\n tab\t]]></system-out>");
      sb.append("</testcase>\n");
    }
    return sb.append("</testsuite>\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFiveThousandTestReportWithUnicodeAndCdataRoundTripsByteEqual() {
    byte[] report = report(5000);
    List<String> lines = HandOff.lines("big00001.1", Kind.XML, "TEST-Grüße.xml", report);
    // the decoder holds the Base64 of the report (~1/3 more than its gzip) and the report itself
    HandOffDecoder decoder = new HandOffDecoder(Math.max(1024, report.length * 2L));

    for (int i = 0; i < lines.size(); i++) {
      decoder.accept("2026-12-01T08:15:02.123456789Z stdout F " + lines.get(i) + "\r");
      if (i % 7 == 0) {
        decoder.accept("2026-12-01T08:15:02.123456789Z stderr F [side thread] polling " + i);
      }
    }

    assertThat(decoder.problems()).isEmpty();
    HandOffRecord back = decoder.records().get(0);
    assertThat(back.name()).isEqualTo("TEST-Grüße.xml");
    assertThat(back.content()).isEqualTo(report);
    assertThat(report.length).isGreaterThan(1_000_000);
  }
}
