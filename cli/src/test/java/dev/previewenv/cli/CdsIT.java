package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cds} on the runnable jar (made at {@code package}, before this IT): it records an archive
 * the JVM then maps with {@code -Xshare:on} (which refuses to start on an unusable archive), and
 * the CLI's classes are loaded from it. No cluster needed.
 */
class CdsIT {
  @TempDir Path tmp;

  record Result(int code, String output) {}

  private static Path jar() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      return files
          .filter(f -> f.getFileName().toString().matches("previewenv-cli-.*-all\\.jar"))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no target/previewenv-cli-*-all.jar"));
    }
  }

  private Result java(String... args) throws Exception {
    return run(Path.of(System.getProperty("java.home"), "bin", "java").toString(), args);
  }

  private Result run(String java, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(List.of(args));
    Process p =
        new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(p.exitValue(), out);
  }

  @Test
  void theArchiveIsRecordedMappedAndServesTheCliClasses() throws Exception {
    String jar = jar().toAbsolutePath().toString();
    Result recorded = java("-jar", jar, "cds", "--archive", "cache/previewenv-cli.jsa");
    assertThat(recorded.code()).as(recorded.output()).isZero();
    Path archive = tmp.resolve("cache/previewenv-cli.jsa");
    assertThat(archive).isRegularFile();
    assertThat(Files.size(archive)).isGreaterThan(1_000_000);
    assertThat(recorded.output())
        .contains("Wrote the class-data archive " + archive)
        .contains("-XX:SharedArchiveFile=" + archive);

    Files.writeString(
        tmp.resolve("stack.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n");
    Result plan =
        java(
            "-XX:SharedArchiveFile=" + archive,
            "-Xshare:on",
            "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"),
            "-jar",
            jar,
            "plan",
            "--branch",
            "feature/cds",
            "--manifests",
            "file:stack.yaml");
    assertThat(plan.code()).as(plan.output()).isZero();
    assertThat(plan.output()).contains("name: \"settings\"").contains("feature-cds-");
    List<String> fromArchive =
        Files.readAllLines(tmp.resolve("classes.log")).stream()
            .filter(l -> l.contains("source: shared objects file (top)"))
            .toList();
    assertThat(fromArchive)
        .as("classes of the CLI, the library and fabric8 come from the recorded archive")
        .anyMatch(l -> l.contains("dev.previewenv.cli.PlanCommand"))
        .anyMatch(l -> l.contains("dev.previewenv.core.Plan "))
        .anyMatch(l -> l.contains("io.fabric8.kubernetes.api.model.ConfigMap "));
  }

  /**
   * A Java 25+ {@code java}: {@code PREVIEWENV_JAVA25}, else a Temurin 25 or later under {@code
   * /usr/lib/jvm}.
   */
  private static String java25() throws IOException {
    String given = System.getenv("PREVIEWENV_JAVA25");
    if (given != null && !given.isBlank()) {
      return given;
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return null;
    }
    try (Stream<Path> dirs = Files.list(jvms)) {
      return dirs.filter(d -> d.getFileName().toString().matches(".*-(2[5-9]|[3-9][0-9])(-.*|$)"))
          .map(d -> d.resolve("bin/java"))
          .filter(Files::isExecutable)
          .map(Path::toString)
          .sorted()
          .findFirst()
          .orElse(null);
    }
  }

  @Test
  void onJava25ItRecordsAnAheadOfTimeCacheThatTheJvmMaps() throws Exception {
    String java25 = java25();
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java25 != null, "no Java 25+ here (PREVIEWENV_JAVA25 or /usr/lib/jvm/*-25*)");
    String jar = jar().toAbsolutePath().toString();
    Result recorded = run(java25, "-jar", jar, "cds");
    assertThat(recorded.code()).as(recorded.output()).isZero();
    Path cache = tmp.resolve("previewenv-cli.aot");
    assertThat(cache).isRegularFile();
    assertThat(recorded.output())
        .contains("Wrote the ahead-of-time cache " + cache)
        .contains("-XX:AOTCache=" + cache);

    Files.writeString(
        tmp.resolve("stack.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {a: \"1\"}\n");
    Result plan =
        run(
            java25,
            "-XX:AOTCache=" + cache,
            "-XX:AOTMode=on", // refuses to start on an unusable cache
            "-Xlog:class+load=info:file=" + tmp.resolve("classes.log"),
            "-jar",
            jar,
            "plan",
            "--branch",
            "feature/aot",
            "--manifests",
            "file:stack.yaml");
    assertThat(plan.code()).as(plan.output()).isZero();
    assertThat(plan.output()).contains("name: \"settings\"");
    assertThat(Files.readAllLines(tmp.resolve("classes.log")))
        .as("the library's classes come from the cache")
        .anyMatch(
            l -> l.contains("dev.previewenv.core.Plan ") && l.contains("shared objects file"));
  }

  @Test
  void outsideTheRunnableJarItSaysWhatItNeeds() {
    // in this JVM the CLI runs from target/classes, not from a jar
    java.io.StringWriter err = new java.io.StringWriter();
    PreviewEnvCli.Context context =
        new PreviewEnvCli.Context(
            name -> null,
            java.io.InputStream::nullInputStream,
            (k, c) -> {
              throw new UsageException("no cluster");
            },
            new java.io.PrintWriter(new java.io.StringWriter(), true),
            new java.io.PrintWriter(err, true),
            tmp,
            java.time.Clock.systemUTC());
    assertThat(PreviewEnvCli.run(context, "cds")).isEqualTo(PreviewEnvCli.USAGE);
    assertThat(err.toString()).contains("cds needs the CLI started from its runnable jar");
    assertThat(tmp.resolve("previewenv-cli.jsa")).doesNotExist();
  }
}
