package dev.previewenv.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TerminationMessageTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private static RunSummary failedWith(List<RunSummary.Failure> failures) {
    return new RunSummary("FAILED", 1, 300, 100, failures.size(), 0, 0, 0, 12_345, failures, null);
  }

  private static int bytes(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void twoHundredLongFailuresFitIn4KibAsValidJson() {
    List<RunSummary.Failure> failures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      failures.add(
          new RunSummary.Failure(
              "dev.previewenv.e2e.VeryLongNamedE2E#test" + i,
              ("expected 201 but was 502 \"quoted\" \u00e9\u20ac\ud83d\ude00\n").repeat(100)));
    }

    String json = TerminationMessage.render(failedWith(failures));

    assertThat(bytes(json)).isLessThanOrEqualTo(4096);
    JsonNode node = JSON.readTree(json);
    int listed = node.get("failures").size();
    assertThat(listed).isPositive().isLessThan(200);
    assertThat(node.get("failuresOmitted").asInt()).isEqualTo(200 - listed);
    assertThat(node.get("tests").get("failed").asInt()).isEqualTo(200);
    assertThat(node.get("failures").get(0).get("test").asString())
        .isEqualTo("dev.previewenv.e2e.VeryLongNamedE2E#test0");
    assertThat(node.get("failures").get(listed - 1).get("test").asString())
        .isEqualTo("dev.previewenv.e2e.VeryLongNamedE2E#test" + (listed - 1));
    assertThat(node.get("failures").get(0).get("message").asString())
        .startsWith("expected 201 but was 502 \"quoted\"")
        .endsWith("...");
  }

  @Test
  void staysWithinBoundForManyShapesOfInput() {
    for (int count : new int[] {0, 1, 5, 20, 199, 1000}) {
      for (int length : new int[] {0, 10, 300, 5000}) {
        List<RunSummary.Failure> failures =
            IntStream.range(0, count)
                .mapToObj(
                    i ->
                        new RunSummary.Failure(
                            "x.Y".repeat(length / 3 + 1) + "#t" + i, "\u0001\"\\".repeat(length)))
                .toList();

        String json = TerminationMessage.render(failedWith(failures));

        assertThat(bytes(json)).as(count + " x " + length).isLessThanOrEqualTo(4096);
        JsonNode node = JSON.readTree(json);
        assertThat(node.get("failures").size() + node.get("failuresOmitted").asInt())
            .isEqualTo(count);
      }
    }
  }

  @Test
  void keepsShortFailuresWhole() {
    String json =
        TerminationMessage.render(
            failedWith(List.of(new RunSummary.Failure("a.B#c", "expected 422 but was 502"))));

    JsonNode node = JSON.readTree(json);
    assertThat(node.get("failures").get(0).get("message").asString())
        .isEqualTo("expected 422 but was 502");
    assertThat(node.get("failuresOmitted").asInt()).isZero();
    assertThat(node.get("status").asString()).isEqualTo("FAILED");
    assertThat(node.get("exitCode").asInt()).isEqualTo(1);
    assertThat(node.get("durationMillis").asLong()).isEqualTo(12_345);
  }

  @Test
  void escapesQuotesBackslashesControlsAndLineSeparators() {
    String message = "q\" b\\ n\n t\t r\r c\u0001 d\u007f ls\u2028 ps\u2029 \u00e9 \ud83d\ude00";
    String json =
        TerminationMessage.render(failedWith(List.of(new RunSummary.Failure("a.B#c", message))));

    assertThat(json)
        .contains("q\\\" b\\\\ n\\n t\\t r\\r c\\u0001 d\\u007f ls\\u2028 ps\\u2029")
        .doesNotContain("\n");
    assertThat(JSON.readTree(json).get("failures").get(0).get("message").asString())
        .isEqualTo(message);
  }

  @Test
  void replacesLoneSurrogatesAndNeverSplitsAPair() {
    String json =
        TerminationMessage.render(
            failedWith(
                List.of(
                    new RunSummary.Failure("a.B#lone", "x\ud83dy"),
                    new RunSummary.Failure("a.B#pairs", "\ud83d\ude00".repeat(600)))));

    JsonNode node = JSON.readTree(json);
    assertThat(node.get("failures").get(0).get("message").asString()).isEqualTo("x\ufffdy");
    String cut = node.get("failures").get(1).get("message").asString();
    assertThat(cut).endsWith("...");
    assertThat(cut.substring(0, cut.length() - 3)).isEqualTo("\ud83d\ude00".repeat(500));
  }

  @Test
  void reportsLauncherErrorsWithTheirReason() {
    String reason = "the launcher could not run the suite: " + "x".repeat(10_000);

    String json = TerminationMessage.render(RunSummary.error(reason, 7));

    assertThat(bytes(json)).isLessThanOrEqualTo(4096);
    JsonNode node = JSON.readTree(json);
    assertThat(node.get("status").asString()).isEqualTo("ERROR");
    assertThat(node.get("exitCode").asInt()).isEqualTo(2);
    assertThat(node.get("error").asString()).startsWith("the launcher could not run the suite");
  }

  @Test
  void refusesBoundsTooSmallForTheSummaryItself() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> TerminationMessage.render(failedWith(List.of()), 100))
        .withMessageContaining("2048");
  }

  @Test
  void whatTheLauncherWritesTheHostReadsBack() {
    RunSummary written =
        new RunSummary(
            "FAILED",
            1,
            12,
            9,
            2,
            1,
            0,
            1,
            4321,
            List.of(
                new RunSummary.Failure(
                    "shop.OrderE2E#placesOrder()", "expected 201 \"é\" ✓\nbut 500"),
                new RunSummary.Failure("shop.AdminE2E", "BeforeAll failed")),
            null);

    RunSummary read = TerminationMessage.parse(TerminationMessage.render(written)).orElseThrow();

    assertThat(read).isEqualTo(written);
    RunSummary error = RunSummary.error("no test ran: check PREVIEWENV_E2E_SELECT", 5);
    assertThat(TerminationMessage.parse(TerminationMessage.render(error))).contains(error);
  }

  @Test
  void readsTheFlatFormAndRefusesWhatIsNotASummary() {
    RunSummary flat =
        TerminationMessage.parse(
                "{\"tests\":3,\"passed\":1,\"failed\":1,\"skipped\":1,"
                    + "\"failures\":[{\"id\":\"a.B#c\",\"message\":\"boom\"}]}")
            .orElseThrow();

    assertThat(flat.status()).isEqualTo("FAILED");
    assertThat(flat.found()).isEqualTo(3);
    assertThat(flat.succeeded()).isEqualTo(1);
    assertThat(flat.skipped()).isEqualTo(1);
    assertThat(flat.failures()).containsExactly(new RunSummary.Failure("a.B#c", "boom"));
    assertThat(TerminationMessage.parse("Error: boom")).isEmpty();
    assertThat(TerminationMessage.parse("{\"x\":1}")).isEmpty();
    assertThat(TerminationMessage.parse("{\"tests\":")).isEmpty();
    assertThat(TerminationMessage.parse(null)).isEmpty();
  }
}
