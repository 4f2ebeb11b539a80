package dev.previewenv.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.launcher.fixtures.ArtifactFixture;
import dev.previewenv.launcher.fixtures.FailingFixture;
import dev.previewenv.launcher.fixtures.PassingFixture;
import dev.previewenv.protocol.HandOff.Kind;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import dev.previewenv.protocol.RunEnd;
import dev.previewenv.protocol.TerminationMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class E2eMainTest {

  @TempDir Path dir;
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

  private int run(String select, String... more) {
    Map<String, String> env = new HashMap<>();
    env.put("PREVIEWENV_E2E_SELECT", select);
    env.put("PREVIEWENV_E2E_RESULTS", dir.resolve("results").toString());
    env.put("PREVIEWENV_TERMINATION_LOG", dir.resolve("termination-log").toString());
    for (int i = 0; i < more.length; i += 2) {
      env.put(more[i], more[i + 1]);
    }
    return E2eMain.run(env, new PrintStream(stdout, true, StandardCharsets.UTF_8));
  }

  private String output() {
    return stdout.toString(StandardCharsets.UTF_8);
  }

  private JsonNode summary() throws IOException {
    Path log = dir.resolve("termination-log");
    assertThat(Files.size(log)).isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    return JsonMapper.builder().build().readTree(Files.readString(log));
  }

  private String xml() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("results"))) {
      List<Path> xml = files.filter(f -> f.toString().endsWith(".xml")).toList();
      assertThat(xml).hasSize(1);
      return Files.readString(xml.get(0));
    }
  }

  @Test
  void exitsZeroWhenAllTestsPass() throws IOException {
    int code = run(PassingFixture.class.getName());

    assertThat(code).isZero();
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("PASSED");
    assertThat(summary.get("exitCode").asInt()).isZero();
    assertThat(summary.get("tests").get("succeeded").asInt()).isEqualTo(2);
    assertThat(summary.get("failures").size()).isZero();
    assertThat(xml())
        .contains("tests=\"2\"")
        .contains("failures=\"0\"")
        .contains("name=\"adds()\"");
    assertThat(output()).contains("PASSED  " + PassingFixture.class.getName() + "#adds");
    assertThat(output()).contains("E2E: PASSED (exit 0)");
  }

  @Test
  void exitsOneWhenATestFailsAndNamesTheFailure() throws IOException {
    int code = run(FailingFixture.class.getName() + ", " + PassingFixture.class.getName());

    assertThat(code).isEqualTo(1);
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("FAILED");
    assertThat(summary.get("tests").get("failed").asInt()).isEqualTo(1);
    assertThat(summary.get("tests").get("succeeded").asInt()).isEqualTo(3);
    JsonNode failure = summary.get("failures").get(0);
    assertThat(failure.get("test").asString()).isEqualTo(FailingFixture.class.getName() + "#fails");
    assertThat(failure.get("message").asString()).contains("order accepted").contains("502");
    assertThat(xml()).contains("failures=\"1\"").contains("<failure");
  }

  @Test
  void handsBackThePlanEachClassAsItFinishesAndTheEnd() {
    run(FailingFixture.class.getName() + "," + PassingFixture.class.getName());

    HandOffDecoder decoded = HandOffDecoder.decode(output());
    assertThat(decoded.problems()).isEmpty();
    List<HandOffRecord> records = decoded.records();
    assertThat(records)
        .extracting(HandOffRecord::kind, HandOffRecord::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Kind.PLAN, "plan"),
            org.assertj.core.groups.Tuple.tuple(
                Kind.XML, "TEST-" + FailingFixture.class.getName() + ".xml"),
            org.assertj.core.groups.Tuple.tuple(
                Kind.XML, "TEST-" + PassingFixture.class.getName() + ".xml"),
            org.assertj.core.groups.Tuple.tuple(Kind.END, "end"));
    assertThat(records.get(0).text().split("\n"))
        .containsExactlyInAnyOrder(
            FailingFixture.class.getName() + "#passes()",
            FailingFixture.class.getName() + "#fails()",
            PassingFixture.class.getName() + "#adds()",
            PassingFixture.class.getName() + "#concatenates()");
    assertThat(records.get(1).text())
        .contains("tests=\"2\"")
        .contains("failures=\"1\"")
        .contains("name=\"fails()\" classname=\"" + FailingFixture.class.getName() + "\"")
        .contains("<failure message=\"[order accepted] ")
        .contains("at " + FailingFixture.class.getName() + ".fails");
    RunEnd end = RunEnd.parse(records.get(3).text()).orElseThrow();
    assertThat(end.status()).isEqualTo("FAILED");
    assertThat(end.exitCode()).isEqualTo(1);
    assertThat(end.records()).isEqualTo(3);
    // each class's report comes as soon as the class finished, before the next class ran
    String out = output();
    assertThat(out.indexOf("TEST-" + FailingFixture.class.getName()))
        .isLessThan(out.indexOf("PASSED  " + PassingFixture.class.getName()));
  }

  @Test
  void handsBackArtifactsWithinTheLimitAndNamesTheOnesOverIt() {
    int code = run(ArtifactFixture.class.getName(), "PREVIEWENV_E2E_ARTIFACT_LIMIT", "2k");

    assertThat(code).isZero();
    HandOffDecoder decoded = HandOffDecoder.decode(output());
    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.records())
        .filteredOn(r -> r.kind() == Kind.FILE)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.name()).isEqualTo("screens/home ü.txt");
              assertThat(r.text()).isEqualTo("home page, as the test saw it");
            });
    assertThat(decoded.records())
        .filteredOn(r -> r.kind() == Kind.NOTICE)
        .singleElement()
        .extracting(HandOffRecord::text)
        .asString()
        .contains("artifact big.har (5000 bytes) was not handed back")
        .contains("limit of 2048 bytes (PREVIEWENV_E2E_ARTIFACT_LIMIT)");
    assertThat(output()).contains("E2E: WARNING artifact big.har");
  }

  @Test
  void exitsTwoWhenSelectionHasNoTests() throws IOException {
    int code = run("dev.previewenv.launcher.empty");

    assertThat(code).isEqualTo(2);
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("NO_TESTS");
    assertThat(summary.get("error").asString()).contains("dev.previewenv.launcher.empty");
  }

  @Test
  void exitsTwoWhenTagFiltersExcludeEverything() throws IOException {
    int code = run(PassingFixture.class.getName(), "PREVIEWENV_E2E_INCLUDE_TAGS", "no-such-tag");

    assertThat(code).isEqualTo(2);
    assertThat(summary().get("tests").get("found").asInt()).isZero();
  }

  @Test
  void appliesExcludeTags() throws IOException {
    int code = run(PassingFixture.class.getName(), "PREVIEWENV_E2E_EXCLUDE_TAGS", "slow");

    assertThat(code).isZero();
    assertThat(summary().get("tests").get("found").asInt()).isEqualTo(1);
    assertThat(output()).doesNotContain("#concatenates");
  }

  @Test
  void selectsPackages() throws IOException {
    int code = run("dev.previewenv.launcher.fixtures");

    assertThat(code).isEqualTo(1);
    assertThat(summary().get("tests").get("found").asInt()).isEqualTo(5);
  }

  @Test
  void exitsTwoNamingAnUnknownClass() throws IOException {
    int code = run("dev.previewenv.launcher.fixtures.NoSuchE2E");

    assertThat(code).isEqualTo(2);
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("ERROR");
    assertThat(summary.get("error").asString())
        .contains("'dev.previewenv.launcher.fixtures.NoSuchE2E'")
        .contains("PREVIEWENV_E2E_SELECT");
  }

  @Test
  void exitsTwoWhenResultsFolderCannotBeCreated() throws IOException {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");

    int code =
        run(
            PassingFixture.class.getName(),
            "PREVIEWENV_E2E_RESULTS",
            file.resolve("results").toString());

    assertThat(code).isEqualTo(2);
    assertThat(summary().get("error").asString()).contains("not-a-dir");
  }

  @Test
  void keepsExitCodeWhenTerminationLogCannotBeWritten() {
    int code =
        run(
            PassingFixture.class.getName(),
            "PREVIEWENV_TERMINATION_LOG",
            dir.resolve("missing/dir/log").toString());

    assertThat(code).isZero();
    assertThat(output()).contains("could not write the JSON summary").contains("missing/dir/log");
  }
}
