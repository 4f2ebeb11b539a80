package dev.previewenv.cli;

import dev.previewenv.core.HttpClients;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cds}: records a class-data archive of the CLI, so later starts map the classes instead of
 * loading and verifying them. On Java 25 and later it is the JDK's ahead-of-time cache ({@code
 * -XX:AOTCacheOutput}, JEP 483/514/515: classes loaded and linked, method profiles kept; a {@code
 * plan} of 15 objects started in 1.07 s against 1.37 s with Java 17's AppCDS and 1.6 s without, on
 * this project's 2-core machine), before it the AppCDS archive ({@code -XX:ArchiveClassesAtExit}).
 * The archive belongs to this jar and this JDK build; with another, the JVM ignores it.
 */
@Command(
    name = "cds",
    mixinStandardHelpOptions = true,
    description = {
      "Record a class-data sharing archive of this CLI for faster starts (once per jar and JDK,"
          + " e.g. when the CI image is built), then start it with"
          + " java -XX:SharedArchiveFile=<archive> -jar previewenv-cli-all.jar …"
          + " (Java 25+: java -XX:AOTCache=<archive> …; or the same in JDK_JAVA_OPTIONS).",
      "Needs the runnable jar (previewenv-cli-*-all.jar); no cluster."
    })
final class CdsCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Option(
      names = "--archive",
      paramLabel = "<file>",
      description =
          "Where the archive goes; default previewenv-cli.aot (Java 25+) or previewenv-cli.jsa.")
  Path archive;

  /** The first Java release whose JVM records an ahead-of-time cache in one run. */
  static final int AOT_CACHE_SINCE = 25;

  CdsCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Path jar = jar();
    if (jar == null || !runnable(jar)) {
      throw new UsageException(
          "cds needs the CLI started from its runnable jar (java -jar previewenv-cli-*-all.jar"
              + " cds), not from "
              + (jar == null ? "an unknown location" : jar)
              + ": the JVM archives classes from jar files only");
    }
    boolean aot = Runtime.version().feature() >= AOT_CACHE_SINCE;
    Path name =
        archive != null ? archive : Path.of(aot ? "previewenv-cli.aot" : "previewenv-cli.jsa");
    Path target = context.workingDirectory().resolve(name).toAbsolutePath().normalize();
    String startFlag = (aot ? "-XX:AOTCache=" : "-XX:SharedArchiveFile=") + target;
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    Files.deleteIfExists(target);
    String javaBin =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(javaBin);
    command.add((aot ? "-XX:AOTCacheOutput=" : "-XX:ArchiveClassesAtExit=") + target);
    command.add("-cp");
    command.add(jar.toString());
    command.add(Training.class.getName());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !Files.isRegularFile(target)) {
      p.destroyForcibly();
      context.err().println(output.strip());
      throw new IllegalStateException(
          "the JVM wrote no class-data archive to "
              + target
              + " (its output is above; the JDK must support "
              + (aot ? "-XX:AOTCacheOutput, Java 25+" : "-XX:ArchiveClassesAtExit, Java 13+")
              + ")");
    }
    context
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "Wrote the %s %s (%.1f MB) for %s and Java %s. Start the CLI with: java %s -jar"
                    + " %s <command> (or export JDK_JAVA_OPTIONS=%s). Record it again after"
                    + " changing the jar or the JDK.",
                aot ? "ahead-of-time cache" : "class-data archive",
                target,
                Files.size(target) / 1e6,
                jar.getFileName(),
                System.getProperty("java.version"),
                startFlag,
                jar,
                startFlag));
    return 0;
  }

  /** A jar holding the CLI's dependencies too (previewenv-cli-*-all.jar), not the thin jar. */
  private static boolean runnable(Path jar) {
    if (!Files.isRegularFile(jar) || !jar.toString().endsWith(".jar")) {
      return false;
    }
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      return zip.getEntry("picocli/CommandLine.class") != null
          && zip.getEntry("io/fabric8/kubernetes/client/KubernetesClient.class") != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static Path jar() {
    try {
      var source = CdsCommand.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
  }

  /**
   * The run recorded into the archive: {@code plan} of a small built-in stack (parsing, transforms,
   * YAML output) and one request of the HTTP client to a closed local port (the client, TLS-free
   * connection set-up and its failure path), with all output dropped.
   */
  static final class Training {
    private Training() {}

    public static void main(String[] args) {
      PrintWriter none = new PrintWriter(OutputStream.nullOutputStream(), true);
      PreviewEnvCli.Context quiet =
          new PreviewEnvCli.Context(
              name -> null,
              () -> java.io.InputStream.nullInputStream(),
              (kubeconfig, kubeContext) -> {
                throw new UsageException("no cluster while recording the archive");
              },
              none,
              none,
              Path.of(System.getProperty("java.io.tmpdir")),
              Clock.systemUTC());
      int code =
          PreviewEnvCli.run(
              quiet,
              "plan",
              "--branch",
              "feature/cds-training",
              "--manifests",
              "classpath:dev/previewenv/cli/cds-training.yaml",
              "--image",
              "registry.example.com/shop/api=registry.example.com/shop/api:2.0");
      try (KubernetesClient client =
          new KubernetesClientBuilder()
              .withConfig(
                  new ConfigBuilder()
                      .withMasterUrl("https://127.0.0.1:1")
                      .withConnectionTimeout(500)
                      .withRequestTimeout(500)
                      .withRequestRetryBackoffLimit(0)
                      .build())
              .withHttpClientFactory(HttpClients.reusing())
              .build()) {
        client.namespaces().withName("cds-training").get();
      } catch (RuntimeException expected) {
        // nothing listens there: the failure path is part of the training
      }
      System.exit(code);
    }
  }
}
