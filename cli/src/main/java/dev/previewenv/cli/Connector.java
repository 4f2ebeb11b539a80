package dev.previewenv.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Connects to the cluster of the command line. The seam the tests replace with the in-process API
 * server.
 */
@FunctionalInterface
interface Connector {
  /**
   * A client for the cluster, checked to answer.
   *
   * @throws NoClusterException saying how to give a cluster
   */
  KubernetesClient connect(Optional<Path> kubeconfig, Optional<String> context);

  Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

  String HOW_TO_GET_ONE =
      "Give a cluster with --kubeconfig <file> or KUBECONFIG=<file> (and --context <name>);"
          + " for a local one, kind create cluster, k3d cluster create or minikube start each"
          + " write ~/.kube/config.";

  /**
   * {@code --kubeconfig}, else the first file of {@code KUBECONFIG}, else {@code ~/.kube/config},
   * else the pod's service account; with {@code --context} or the kubeconfig's current context.
   * Fails within seconds when the cluster does not answer.
   */
  static Connector kubeconfig(UnaryOperator<String> env) {
    return (kubeconfig, context) -> {
      Optional<Path> file = kubeconfig.or(() -> fromEnvironment(env));
      Config config;
      String source;
      if (file.isPresent()) {
        if (!Files.isRegularFile(file.get())) {
          throw new NoClusterException(
              "The kubeconfig " + file.get() + " does not exist; " + HOW_TO_GET_ONE, null);
        }
        source = "kubeconfig " + file.get();
        try {
          config = Config.fromKubeconfig(context.orElse(null), file.get().toFile());
        } catch (RuntimeException e) {
          throw new NoClusterException(
              "Cannot read the " + source + ": " + e.getMessage() + "; " + HOW_TO_GET_ONE, e);
        }
        if (context.isPresent()
            && (config.getCurrentContext() == null
                || !context.get().equals(config.getCurrentContext().getName()))) {
          throw new NoClusterException(
              "The "
                  + source
                  + " has no context \""
                  + context.get()
                  + "\"; list its contexts with kubectl config get-contexts",
              null);
        }
      } else if (present(env.apply("KUBERNETES_SERVICE_HOST"))
          && Files.isRegularFile(SERVICE_ACCOUNT_TOKEN)) {
        source = "the pod's service account";
        config = Config.autoConfigure(context.orElse(null));
      } else {
        throw new NoClusterException(
            "No Kubernetes cluster is configured: no --kubeconfig, KUBECONFIG is not set, "
                + Path.of(System.getProperty("user.home"), ".kube", "config")
                + " does not exist and this is not a pod. "
                + HOW_TO_GET_ONE,
            null);
      }
      config.setConnectionTimeout(5_000);
      probe(config, source);
      return new KubernetesClientBuilder().withConfig(config).build();
    };
  }

  private static Optional<Path> fromEnvironment(UnaryOperator<String> env) {
    String variable = env.apply("KUBECONFIG");
    if (present(variable)) {
      for (String part : variable.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          return Optional.of(Path.of(part.strip()));
        }
      }
    }
    Path dflt = Path.of(System.getProperty("user.home"), ".kube", "config");
    return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
  }

  /** One request without retries, so that an unreachable cluster fails within seconds. */
  private static void probe(Config config, String source) {
    Config once = new ConfigBuilder(config).build();
    once.setRequestRetryBackoffLimit(0);
    once.setRequestTimeout(10_000);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(once).build()) {
      c.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      throw new NoClusterException(
          "The cluster at "
              + config.getMasterUrl()
              + " (from "
              + source
              + ") does not answer: "
              + e.getMessage()
              + (root == e ? "" : " (" + root + ")")
              + ". Is it running? "
              + HOW_TO_GET_ONE,
          e);
    }
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
