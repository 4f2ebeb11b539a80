package dev.previewenv.cli;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.E2eJob;
import dev.previewenv.core.E2eResult;
import dev.previewenv.core.EnvironmentName;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code e2e --image <ref>}: the suite image as an in-cluster Job in the branch's environment. */
@Command(
    name = "e2e",
    mixinStandardHelpOptions = true,
    description = {
      "Run a suite image as the in-cluster E2E Job in the branch's environment (made by up),"
          + " stream its log, and write its JUnit XML into --junit-dir for CI reporters.",
      "Exit 0 all passed, 1 some failed, 2 no verdict (no tests, image pull failure, deadline,"
          + " eviction, ...), with the cause."
    })
final class E2eCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin EnvironmentOptions environment;
  @Mixin ClusterOptions cluster;
  @Mixin ReportOptions report;

  @Option(
      names = "--image",
      required = true,
      paramLabel = "<ref>",
      description =
          "The suite image, e.g. registry.example.com/shop-e2e:sha-1f2e (env"
              + " PREVIEWENV_E2E_IMAGE).")
  String image;

  @Option(
      names = "--junit-dir",
      paramLabel = "<dir>",
      defaultValue = "target/previewenv-e2e",
      description = "Where the JUnit XML reports go; default ${DEFAULT-VALUE}.")
  Path junitDir;

  @Option(
      names = "--select",
      paramLabel = "<selection>",
      description = "Which tests (classes, packages, methods) the suite runs.")
  String select;

  @Option(names = "--include-tags", paramLabel = "<expr>", description = "Tags to include.")
  String includeTags;

  @Option(names = "--exclude-tags", paramLabel = "<expr>", description = "Tags to exclude.")
  String excludeTags;

  @Option(
      names = "--deadline",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "The Job's active deadline, e.g. 15m (default the library's).")
  Duration deadline;

  @Option(
      names = "--pull-policy",
      paramLabel = "<policy>",
      description = "The suite image's pull policy: Always, IfNotPresent or Never.")
  String pullPolicy;

  @Option(
      names = "--command",
      paramLabel = "<arg>",
      description =
          "Replace the image's entry point, one --command per argument (e.g. --command sh"
              + " --command -c --command 'run-suite')")
  java.util.List<String> command = new java.util.ArrayList<>();

  E2eCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EnvironmentName name = environment.environment(context);
    E2eJob job = E2eJob.of(image.strip());
    if (select != null) {
      job = job.withSelect(select);
    }
    if (includeTags != null) {
      job = job.withIncludeTags(includeTags);
    }
    if (excludeTags != null) {
      job = job.withExcludeTags(excludeTags);
    }
    if (deadline != null) {
      job = job.withActiveDeadline(deadline);
    }
    if (!command.isEmpty()) {
      job = job.withCommand(command.toArray(String[]::new));
    }
    if (pullPolicy != null) {
      job = job.withImagePullPolicy(pullPolicy.strip());
    }
    try (KubernetesClient client = cluster.connect(context)) {
      if (client.namespaces().withName(name.value()).get() == null) {
        throw new UsageException(
            "There is no environment "
                + name.value()
                + " (branch "
                + name.branch().orElse(name.value())
                + "): run previewenv up first, with the same --branch and --prefix");
      }
      context.out().println("E2E run of " + image + " in environment " + name.value());
      E2eResult result = job.run(client, name, line -> context.out().println("  | " + line));
      Path dir = context.workingDirectory().resolve(junitDir);
      int written = writeXml(result, dir);
      context.out().println(result.summary());
      result
          .failures()
          .forEach(f -> context.out().println("  FAILED " + f.id() + ": " + f.message()));
      context.out().println("JUnit XML: " + written + " report(s) in " + dir);
      report.write(context, CiReport.of(name).withE2e(result));
      return switch (result.outcome()) {
        case PASSED -> 0;
        case FAILED -> PreviewEnvCli.FAILED;
        case ERROR -> {
          context
              .err()
              .println(
                  "previewenv e2e: no verdict: "
                      + result.cause().map(c -> c.kind() + ": " + c.message()).orElse("unknown"));
          yield PreviewEnvCli.USAGE;
        }
      };
    }
  }

  private static int writeXml(E2eResult result, Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> e : result.xmlReports().entrySet()) {
        String file = Path.of(e.getKey()).getFileName().toString();
        Files.writeString(dir.resolve(file), e.getValue(), StandardCharsets.UTF_8);
      }
      return result.xmlReports().size();
    } catch (IOException e) {
      throw new dev.previewenv.core.PreviewEnvException(
          "Cannot write the JUnit XML of " + result.jobName() + " to " + dir + ": " + e, e);
    }
  }
}
