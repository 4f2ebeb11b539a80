package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class E2eResultsTest {
  private static final String XML_A =
      "<?xml version=\"1.0\"?>\n<testsuite name=\"a\"><testcase classname=\"A\" name=\"ok()\"/>"
          + "</testsuite>\n";
  private static final String XML_B = "<testsuite name=\"b\">é ü 漢字</testsuite>";

  @Test
  void roundTripsSeveralFilesThroughALogWithOtherLines() {
    String log =
        "starting suite\n"
            + E2eResults.encode("TEST-a.xml", XML_A.getBytes(StandardCharsets.UTF_8))
            + "interleaved line\n"
            + E2eResults.encode("TEST-b.xml", XML_B.getBytes(StandardCharsets.UTF_8))
            + "done\n";

    E2eResults.Decoded decoded = E2eResults.decode(log);

    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.files())
        .containsExactly(
            java.util.Map.entry("TEST-a.xml", XML_A), java.util.Map.entry("TEST-b.xml", XML_B));
  }

  @Test
  void wrapsBase64At76CharactersBetweenMarkerLines() {
    byte[] big = new byte[5000];
    new java.util.Random(1).nextBytes(big);
    String block = E2eResults.encode("r.xml", big);
    String[] lines = block.split("\n");

    assertThat(lines[0]).isEqualTo("##previewenv-junit-xml begin r.xml");
    assertThat(lines[lines.length - 1]).isEqualTo("##previewenv-junit-xml end");
    for (int i = 1; i < lines.length - 2; i++) {
      assertThat(lines[i]).hasSize(76).matches("[A-Za-z0-9+/=]+");
    }
    assertThat(lines[lines.length - 2].length()).isBetween(1, 76);
  }

  @Test
  void toleratesCarriageReturnsAndSurroundingBlanks() {
    String block = E2eResults.encode("x.xml", XML_A.getBytes(StandardCharsets.UTF_8));
    String crlf = block.replace("\n", "  \r\n");

    assertThat(E2eResults.decode(crlf).files()).containsEntry("x.xml", XML_A);
  }

  @Test
  void reportsCorruptAndTruncatedBlocksAndKeepsTheGoodOnes() {
    String good = E2eResults.encode("good.xml", XML_A.getBytes(StandardCharsets.UTF_8));
    String corrupt =
        E2eResults.encode("corrupt.xml", XML_B.getBytes(StandardCharsets.UTF_8))
            .replaceFirst("\n[A-Za-z0-9+/]{8}", "\nAAAAAAAA");
    String notBase64 = E2eResults.BEGIN + " bad.xml\n***not base64***\n" + E2eResults.END + "\n";
    String truncated =
        E2eResults.encode("cut.xml", XML_A.getBytes(StandardCharsets.UTF_8))
            .replace(E2eResults.END + "\n", "");

    E2eResults.Decoded decoded = E2eResults.decode(good + corrupt + notBase64 + truncated);

    assertThat(decoded.files()).containsOnlyKeys("good.xml");
    assertThat(decoded.problems())
        .hasSize(3)
        .anySatisfy(p -> assertThat(p).contains("corrupt.xml").contains("cannot be decoded"))
        .anySatisfy(p -> assertThat(p).contains("bad.xml").contains("cannot be decoded"))
        .anySatisfy(p -> assertThat(p).contains("cut.xml").contains("has no end line"));
  }

  @Test
  void ignoresAnEndLineWithoutBeginAndDecodesAnEmptyLog() {
    assertThat(E2eResults.decode(E2eResults.END + "\n").files()).isEmpty();
    assertThat(E2eResults.decode("").problems()).isEmpty();
    assertThat(E2eResults.decode(null).files()).isEmpty();
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
    assertThat(out.indexOf("begin TEST-a.xml")).isLessThan(out.indexOf("begin TEST-b.xml"));
    assertThat(out).doesNotContain("summary.json");
    assertThat(E2eResults.decode(out).files())
        .containsEntry("TEST-a.xml", XML_A)
        .containsEntry("TEST-b.xml", XML_B);
  }

  @Test
  void withoutBlocksReplacesEachBlockByOneLine() {
    String log = "a\n" + E2eResults.encode("r.xml", XML_A.getBytes(StandardCharsets.UTF_8)) + "b\n";

    assertThat(E2eResults.withoutBlocks(log))
        .isEqualTo("a\n[JUnit XML report r.xml handed over]\nb\n");
  }
}
