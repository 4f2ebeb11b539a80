package dev.previewenv.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.previewenv.launcher.interrupted.InterruptedFixture;
import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.HandOff.Kind;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import dev.previewenv.protocol.RunEnd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherFactory;

class ResultStreamTest {

  @Test
  void aJvmStoppedMidClassHandsBackTheFinishedTestsOfThatClassAndSaysSo(@TempDir Path dir) {
    List<String> lines = new ArrayList<>();
    HandOff.Writer writer = new HandOff.Writer("stop0001", lines::add);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    ResultStream stream =
        new ResultStream(writer, new Artifacts(dir.resolve("artifacts"), 1024, writer, out));
    InterruptedFixture.stop = stream::interrupted; // what the shutdown hook does
    try {
      LauncherFactory.create()
          .execute(request().selectors(selectClass(InterruptedFixture.class)).build(), stream);
    } finally {
      InterruptedFixture.stop = () -> {};
    }
    stream.end("PASSED", 0, ""); // the launcher's own end after the JVM "stopped": ignored

    HandOffDecoder decoded = new HandOffDecoder();
    lines.forEach(decoded::accept);
    List<HandOffRecord> records = decoded.records();
    assertThat(decoded.problems()).isEmpty();
    assertThat(records)
        .extracting(HandOffRecord::kind)
        .as("no report after the end record: the JVM is gone")
        .startsWith(Kind.PLAN, Kind.XML, Kind.END);
    assertThat(records.get(1).text())
        .contains("name=\"aFinishes()\"")
        .doesNotContain("bIsRunningWhenTheJvmStops")
        .doesNotContain("cComesAfter");
    RunEnd end = RunEnd.parse(records.get(2).text()).orElseThrow();
    assertThat(end.status()).isEqualTo(RunEnd.INTERRUPTED);
    assertThat(end.records()).isEqualTo(2);
    assertThat(end.reason())
        .contains("stopped before the run ended")
        .contains("while running InterruptedFixture");
    assertThat(records.stream().filter(r -> r.kind() == Kind.END)).hasSize(1);
  }

  @Test
  void classXmlEscapesMarkupAndReplacesWhatXmlCannotCarry() {
    String xml =
        ClassXml.render(
            "a.B",
            List.of(
                new ClassXml.Case(
                    "a.B",
                    "q\"<&>()",
                    ClassXml.Status.FAILED,
                    "line1\nline2 \u0001 \ud83d",
                    "java.lang.AssertionError",
                    "trace <b> & \"x\" \u0000",
                    Duration.ofMillis(1500)),
                new ClassXml.Case(
                    "a.B", "s()", ClassXml.Status.SKIPPED, "off", "", "", Duration.ZERO)));

    assertThat(xml)
        .contains("name=\"q&quot;&lt;&amp;&gt;()\"")
        .contains("message=\"line1&#10;line2 \ufffd \ufffd\"")
        .contains(">trace &lt;b&gt; &amp; \"x\" \ufffd</failure>")
        .contains("time=\"1.500\"")
        .contains("tests=\"2\" skipped=\"1\" failures=\"1\"")
        .contains("<skipped message=\"off\"/>");
  }
}
