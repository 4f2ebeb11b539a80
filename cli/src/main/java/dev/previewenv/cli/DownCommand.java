package dev.previewenv.cli;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Phase;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code down [<branch>]}: delete the branch's environment and wait until it is gone. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description =
        "Delete the branch's environment and wait until its namespace is gone. Only a namespace"
            + " PreviewEnv manages for that environment is deleted; none is fine.")
final class DownCommand implements Callable<Integer> {
  private final PreviewEnvCli.Context context;

  @Mixin EnvironmentOptions environment;
  @Mixin ClusterOptions cluster;
  @Mixin ReportOptions report;

  @Parameters(
      arity = "0..1",
      paramLabel = "<branch>",
      description = "The branch; default as --branch.")
  String branch;

  DownCommand(PreviewEnvCli.Context context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    EnvironmentName name =
        branch != null && !branch.isBlank()
            ? environment.environment(branch.strip())
            : environment.environment(context);
    try (KubernetesClient client = cluster.connect(context)) {
      if (client.namespaces().withName(name.value()).get() == null) {
        context
            .out()
            .println(
                "No environment "
                    + name.value()
                    + " (branch "
                    + name.branch().orElse(name.value())
                    + "): nothing to delete.");
        return 0;
      }
      long start = System.nanoTime();
      Provisioner.forClient(client).down(name);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      context
          .out()
          .println(
              String.format(
                  Locale.ROOT,
                  "Environment %s deleted; its namespace is gone (teardown %.1f s).",
                  name.value(),
                  took.toMillis() / 1000.0));
      report.write(context, CiReport.of(name).withPhase(Phase.TEARDOWN, took));
    }
    return 0;
  }
}
