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
 * {@code cds}: records a class-data sharing archive of the CLI (the JDK's AppCDS), so later starts
 * map the classes instead of loading and verifying them: a cold {@code up} starts in a fraction of
 * the time. The archive belongs to this jar and this JDK build; with another, the JVM ignores it.
 */
@Command(
    name = "cds",
    mixinStandardHelpOptions = true,
    description = {
      "Record a class-data sharing archive of this CLI for faster starts (once per jar and JDK,"
          + " e.g. when the CI image is built), then start it with"
          + " java -XX:SharedArchiveFile=<archive> -jar previewenv-cli-all.jar …"
          + " (or JDK_JAVA_OPTIONS=-XX:SharedArchiveFile=<archive>).",
      "Needs the runnable jar (previewenv-cli-*-all.jar); no cluster."
    })
final class CdsCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Option(
      names = "--archive",
      paramLabel = "<file>",
      defaultValue = "previewenv-cli.jsa",
      description = "Where the archive goes; default ${DEFAULT-VALUE}.")
  Path archive;

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
    Path target = context.workingDirectory().resolve(archive).toAbsolutePath().normalize();
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
    command.add("-XX:ArchiveClassesAtExit=" + target);
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
              + " (its output is above; the JDK must support -XX:ArchiveClassesAtExit, Java 13+)");
    }
    context
        .out()
        .println(
            String.format(
                Locale.ROOT,
                "Wrote the class-data archive %s (%.1f MB) for %s and Java %s. Start the CLI"
                    + " with: java -XX:SharedArchiveFile=%s -jar %s <command> (or export"
                    + " JDK_JAVA_OPTIONS=-XX:SharedArchiveFile=%s). Record it again after"
                    + " changing the jar or the JDK.",
                target,
                Files.size(target) / 1e6,
                jar.getFileName(),
                System.getProperty("java.version"),
                target,
                jar,
                target));
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
