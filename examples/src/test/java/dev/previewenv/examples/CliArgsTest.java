package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CliArgsTest {

  @Test
  void loadDefaultsToFiveHundredRequestsEightAtATime() {
    CliArgs.Load load = (CliArgs.Load) CliArgs.parse("load", "perf/run-1");

    assertThat(load.requests()).isEqualTo(500);
    assertThat(load.concurrency()).isEqualTo(8);
    assertThat(load.secretSource()).isEqualTo("previewenv-shop");
    assertThat(
            ((CliArgs.Load) CliArgs.parse("load", "b", "--secret-source", "shared-secrets"))
                .secretSource())
        .isEqualTo("shared-secrets");
    assertThatThrownBy(() -> CliArgs.parse("load", "b", "--secret-source", "Not_A_Namespace"))
        .hasMessageContaining("--secret-source \"Not_A_Namespace\" is not a namespace name");

    CliArgs.Load small =
        (CliArgs.Load) CliArgs.parse("load", "perf/run-1", "--requests", "50", "--concurrency=2");
    assertThat(small.requests()).isEqualTo(50);
    assertThat(small.concurrency()).isEqualTo(2);
  }

  @Test
  void helpAndTheProductCommandsAreNamed() {
    assertThat(CliArgs.parse("--help")).isInstanceOf(CliArgs.Help.class);
    assertThatThrownBy(() -> CliArgs.parse("up", "main"))
        .hasMessageContaining("unknown command \"up\"")
        .hasMessageContaining("previewenv command");
  }

  @Test
  void loadIsBounded() {
    assertThatThrownBy(() -> CliArgs.parse("load", "b", "--requests", "0"))
        .hasMessage("--requests must be 1 to 100000, was 0");
    assertThatThrownBy(() -> CliArgs.parse("load", "b", "--requests", "1000000"))
        .hasMessage("--requests must be 1 to 100000, was 1000000");
    assertThatThrownBy(() -> CliArgs.parse("load", "b", "--concurrency", "100"))
        .hasMessage("--concurrency must be 1 to 64, was 100");
    assertThatThrownBy(() -> CliArgs.parse("load", "b", "--requests", "many"))
        .hasMessage("--requests \"many\" is not a whole number");
  }

  @Test
  void wrongUsageSaysWhatIsWrong() {
    assertThatThrownBy(() -> CliArgs.parse()).hasMessage("no command given");
    assertThatThrownBy(() -> CliArgs.parse("deploy", "x"))
        .hasMessageContaining("unknown command \"deploy\"");
    assertThatThrownBy(() -> CliArgs.parse("load"))
        .hasMessageContaining("load takes exactly one branch")
        .hasMessageContaining("got none");
    assertThatThrownBy(() -> CliArgs.parse("load", "a", "--access", "x"))
        .hasMessage("command load has no option --access");
    assertThatThrownBy(() -> CliArgs.parse("load", "a", "--images", " , "))
        .hasMessageContaining("--images is empty");
    assertThatThrownBy(() -> CliArgs.parse("load", "a", "--context"))
        .hasMessage("option --context needs a value");
    assertThatThrownBy(() -> CliArgs.parse("load", "a", "--context", "x", "--context=y"))
        .hasMessage("option --context is given twice");
  }
}
