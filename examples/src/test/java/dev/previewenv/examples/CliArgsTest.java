package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Access;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CliArgsTest {

  @Test
  void upTakesBranchImagesAndAccessInEitherOptionForm() {
    CliArgs parsed =
        CliArgs.parse(
            "up",
            "feature/Login-Fix",
            "--images",
            "previewenv-examples/orders=reg.example.com/orders:sha-1, previewenv-examples/catalog:2",
            "--access=port-forward",
            "--context",
            "kind-dev",
            "--kubeconfig=/tmp/kc");

    assertThat(parsed)
        .isEqualTo(
            new CliArgs.Up(
                "feature/Login-Fix",
                java.util.List.of(
                    "previewenv-examples/orders=reg.example.com/orders:sha-1",
                    "previewenv-examples/catalog:2"),
                Access.PORT_FORWARD,
                new CliArgs.Cluster(
                    Optional.of(Path.of("/tmp/kc")), Optional.of("kind-dev"), Optional.empty())));
  }

  @Test
  void upDefaultsToIngressAccessAndNoImages() {
    CliArgs.Up up = (CliArgs.Up) CliArgs.parse("up", "main");

    assertThat(up.access()).isEqualTo(Access.INGRESS);
    assertThat(up.images()).isEmpty();
    assertThat(up.cluster().kubeconfig()).isEmpty();
  }

  @Test
  void loadDefaultsToFiveHundredRequestsEightAtATime() {
    CliArgs.Load load = (CliArgs.Load) CliArgs.parse("load", "perf/run-1");

    assertThat(load.requests()).isEqualTo(500);
    assertThat(load.concurrency()).isEqualTo(8);

    CliArgs.Load small =
        (CliArgs.Load) CliArgs.parse("load", "perf/run-1", "--requests", "50", "--concurrency=2");
    assertThat(small.requests()).isEqualTo(50);
    assertThat(small.concurrency()).isEqualTo(2);
  }

  @Test
  void downAndJanitor() {
    assertThat(CliArgs.parse("down", "feature/x"))
        .isEqualTo(
            new CliArgs.Down(
                "feature/x",
                new CliArgs.Cluster(Optional.empty(), Optional.empty(), Optional.empty())));
    assertThat(((CliArgs.Janitor) CliArgs.parse("janitor")).dryRun()).isFalse();
    assertThat(((CliArgs.Janitor) CliArgs.parse("janitor", "--dry-run")).dryRun()).isTrue();
    assertThat(CliArgs.parse("--help")).isInstanceOf(CliArgs.Help.class);
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
    assertThatThrownBy(() -> CliArgs.parse("up"))
        .hasMessageContaining("up takes exactly one branch")
        .hasMessageContaining("got none");
    assertThatThrownBy(() -> CliArgs.parse("down", "a", "b"))
        .hasMessageContaining("down takes exactly one branch");
    assertThatThrownBy(() -> CliArgs.parse("janitor", "now"))
        .hasMessageContaining("janitor takes no arguments");
    assertThatThrownBy(() -> CliArgs.parse("down", "a", "--images", "x=y"))
        .hasMessage("command down has no option --images");
    assertThatThrownBy(() -> CliArgs.parse("up", "a", "--access", "tunnel"))
        .hasMessageContaining("not one of ingress, port-forward, auto");
    assertThatThrownBy(() -> CliArgs.parse("up", "a", "--images", " , "))
        .hasMessageContaining("--images is empty");
    assertThatThrownBy(() -> CliArgs.parse("up", "a", "--context"))
        .hasMessage("option --context needs a value");
    assertThatThrownBy(() -> CliArgs.parse("up", "a", "--context", "x", "--context=y"))
        .hasMessage("option --context is given twice");
  }
}
