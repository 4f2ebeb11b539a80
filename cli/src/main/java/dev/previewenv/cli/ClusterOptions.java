package dev.previewenv.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Which cluster: a kubeconfig and a context. */
final class ClusterOptions {
  @Option(
      names = "--kubeconfig",
      paramLabel = "<file>",
      description =
          "The kubeconfig (env PREVIEWENV_KUBECONFIG). Default: KUBECONFIG, ~/.kube/config, the"
              + " pod's service account.")
  Path kubeconfig;

  @Option(
      names = "--context",
      paramLabel = "<name>",
      description = "The kubeconfig context (env PREVIEWENV_CONTEXT). Default: its current one.")
  String context;

  KubernetesClient connect(PreviewEnvCli.Context ctx) {
    return ctx.connector()
        .connect(
            Optional.ofNullable(kubeconfig).map(p -> ctx.workingDirectory().resolve(p)),
            Optional.ofNullable(context).filter(c -> !c.isBlank()));
  }
}
