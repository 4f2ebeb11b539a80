package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade for images without the launcher; the framing itself: HandOffDecoderTest. */
class E2eResultsTest {
  private static final String XML_A =
      "<?xml version=\"1.0\"?>\n<testsuite name=\"a\"><testcase classname=\"A\" name=\"ok()\"/>"
          + "</testsuite>\n";
  private static final String XML_B = "<testsuite name=\"b\">é ü 漢字</testsuite>";

  @Test
  void roundTripsSeveralFilesThroughALogWithOtherLinesInsideTheBlocks() {
    String a = E2eResults.encode("TEST-a.xml", XML_A.getBytes(StandardCharsets.UTF_8));
    String b = E2eResults.encode("TEST-b.xml", XML_B.getBytes(StandardCharsets.UTF_8));
    String log =
        "starting suite\n"
            + a.replace("\n", "\nstderr: a side thread logs\n")
            + b.replace("\n", "\r\n")
            + "done\n";

    E2eResults.Decoded decoded = E2eResults.decode(log);

    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.files())
        .containsExactly(Map.entry("TEST-a.xml", XML_A), Map.entry("TEST-b.xml", XML_B));
  }

  @Test
  void namesAReportThatLostALine() {
    String block = E2eResults.encode("TEST-cut.xml", new byte[3000]);
    String cut = block.replaceFirst("\n[^\n]* 1 [0-9a-f]{8} [^\n]*\n", "\n");

    E2eResults.Decoded decoded = E2eResults.decode(cut);

    assertThat(decoded.files()).isEmpty();
    assertThat(decoded.problems())
        .singleElement()
        .asString()
        .contains("TEST-cut.xml")
        .contains("1 (lines 1) of");
  }

  @Test
  void refusesFileNamesWithDirectoriesOrLineBreaks() {
    byte[] b = new byte[1];
    assertThatThrownBy(() -> E2eResults.encode("../x.xml", b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("plain file name");
    assertThatThrownBy(() -> E2eResults.encode("a\nb.xml", b))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> E2eResults.encode(" ", b))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void printsEveryXmlFileOfADirectorySortedByName(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("TEST-b.xml"), XML_B);
    Files.writeString(dir.resolve("TEST-a.xml"), XML_A);
    Files.writeString(dir.resolve("summary.json"), "{}");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    E2eResults.print(dir, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out.indexOf("TEST-a.xml")).isLessThan(out.indexOf("TEST-b.xml"));
    assertThat(out).doesNotContain("summary.json");
    assertThat(E2eResults.decode(out).files())
        .containsEntry("TEST-a.xml", XML_A)
        .containsEntry("TEST-b.xml", XML_B);
  }

  @Test
  void withoutBlocksReplacesEachReportByOneLine() {
    String log = "a\n" + E2eResults.encode("r.xml", XML_A.getBytes(StandardCharsets.UTF_8)) + "b";

    assertThat(E2eResults.withoutBlocks(log))
        .isEqualTo("a\n[JUnit XML report r.xml handed over]\nb");
  }
}
