package dev.previewenv.e2eimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.e2eimage.fixtures.FailingFixture;
import dev.previewenv.e2eimage.fixtures.PassingFixture;
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
  void printsTheXmlReportsAtTheEndOfTheOutputForTheJobRunner() throws IOException {
    run(FailingFixture.class.getName());

    dev.previewenv.core.E2eResults.Decoded decoded =
        dev.previewenv.core.E2eResults.decode(output());
    assertThat(decoded.problems()).isEmpty();
    assertThat(decoded.files()).hasSize(1);
    assertThat(decoded.files().values().iterator().next()).isEqualTo(xml());
    assertThat(output().strip()).endsWith(dev.previewenv.core.E2eResults.END);
  }

  @Test
  void exitsTwoWhenSelectionHasNoTests() throws IOException {
    int code = run("dev.previewenv.e2eimage.empty");

    assertThat(code).isEqualTo(2);
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("NO_TESTS");
    assertThat(summary.get("error").asString()).contains("dev.previewenv.e2eimage.empty");
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
    int code = run("dev.previewenv.e2eimage.fixtures");

    assertThat(code).isEqualTo(1);
    assertThat(summary().get("tests").get("found").asInt()).isEqualTo(4);
  }

  @Test
  void exitsTwoNamingAnUnknownClass() throws IOException {
    int code = run("dev.previewenv.e2eimage.fixtures.NoSuchE2E");

    assertThat(code).isEqualTo(2);
    JsonNode summary = summary();
    assertThat(summary.get("status").asString()).isEqualTo("ERROR");
    assertThat(summary.get("error").asString())
        .contains("'dev.previewenv.e2eimage.fixtures.NoSuchE2E'")
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
