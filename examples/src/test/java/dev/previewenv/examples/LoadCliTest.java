package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The load entry point's usage errors (the load run itself: {@code LoadCliIT}, real cluster). */
class LoadCliTest {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();

  int cli(String... args) {
    LoadCli cli =
        new LoadCli(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            c -> {
              throw new AssertionError("no cluster is needed to reject wrong usage");
            },
            Path.of("").toAbsolutePath());
    return cli.run(args);
  }

  @Test
  void wrongUsagePrintsTheUsageAndExitsWithTwo() {
    assertThat(cli("load")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("load takes exactly one branch")
        .contains("Usage: LoadCli load <branch>");
    assertThat(cli("up", "main")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("previewenv command");
  }

  @Test
  void helpExitsWithZero() {
    assertThat(cli("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: LoadCli load <branch>");
  }
}
