package dev.previewenv.examples;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The cluster of the command line: {@code --kubeconfig}, else the first file of {@code KUBECONFIG},
 * else {@code ~/.kube/config}, else the pod's service account; with {@code --context} or the
 * kubeconfig's current context. Fails in seconds, saying how to get a cluster, when there is none
 * or it does not answer.
 */
final class Kubeconfig {
  static final Path SERVICE_ACCOUNT_TOKEN =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** A cluster problem the user must fix; the message says how. */
  static final class NoClusterException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    NoClusterException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private Kubeconfig() {}

  /** Connects to the cluster of {@code cluster} and checks that it answers. */
  static KubernetesClient connect(CliArgs.Cluster cluster) {
    return connect(cluster, System::getenv, Path.of(System.getProperty("user.home")));
  }

  static KubernetesClient connect(CliArgs.Cluster cluster, UnaryOperator<String> env, Path home) {
    Optional<Path> file = file(cluster, env, home);
    String context = cluster.context().orElse(null);
    Config config;
    String source;
    if (file.isPresent()) {
      if (!Files.isRegularFile(file.get())) {
        throw new NoClusterException(
            "The kubeconfig " + file.get() + " does not exist; " + HOW_TO_GET_ONE, null);
      }
      source = "kubeconfig " + file.get();
      try {
        config = Config.fromKubeconfig(context, file.get().toFile());
      } catch (RuntimeException e) {
        throw new NoClusterException(
            "Cannot read the " + source + ": " + e.getMessage() + "; " + HOW_TO_GET_ONE, e);
      }
      if (context != null
          && (config.getCurrentContext() == null
              || !context.equals(config.getCurrentContext().getName()))) {
        throw new NoClusterException(
            "The "
                + source
                + " has no context \""
                + context
                + "\"; list its contexts with kubectl config get-contexts",
            null);
      }
    } else if (present(env.apply("KUBERNETES_SERVICE_HOST"))
        && Files.isRegularFile(SERVICE_ACCOUNT_TOKEN)) {
      source = "the pod's service account";
      config = Config.autoConfigure(context);
    } else {
      throw new NoClusterException(
          "No Kubernetes cluster is configured: no --kubeconfig, KUBECONFIG is not set, "
              + home.resolve(".kube").resolve("config")
              + " does not exist and this is not a pod. "
              + HOW_TO_GET_ONE,
          null);
    }
    config.setConnectionTimeout(CONNECT_TIMEOUT_MILLIS);
    probe(config, source);
    // HTTP/2 where the server offers it: a wave of concurrent requests shares its connections
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(dev.previewenv.core.HttpClients.reusing())
        .build();
  }

  static final String HOW_TO_GET_ONE =
      "Give a cluster with --kubeconfig <file> or KUBECONFIG=<file> (and --context <name>);"
          + " for a local one, kind create cluster, k3d cluster create or minikube start each"
          + " write ~/.kube/config.";

  /** One request without retries, so that an unreachable cluster fails within seconds. */
  private static void probe(Config config, String source) {
    Config once = new io.fabric8.kubernetes.client.ConfigBuilder(config).build();
    once.setRequestRetryBackoffLimit(0);
    once.setRequestTimeout(10_000);
    try (KubernetesClient c = new KubernetesClientBuilder().withConfig(once).build()) {
      c.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      throw new NoClusterException(
          "The cluster at "
              + config.getMasterUrl()
              + " (from "
              + source
              + ") does not answer: "
              + rootMessage(e)
              + ". Is it running? "
              + HOW_TO_GET_ONE,
          e);
    }
  }

  private static Optional<Path> file(
      CliArgs.Cluster cluster, UnaryOperator<String> env, Path home) {
    if (cluster.kubeconfig().isPresent()) {
      return cluster.kubeconfig();
    }
    String variable = env.apply("KUBECONFIG");
    if (present(variable)) {
      for (String part : variable.split(File.pathSeparator)) {
        if (!part.isBlank()) {
          return Optional.of(Path.of(part.strip()));
        }
      }
    }
    Path dflt = home.resolve(".kube").resolve("config");
    return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t + ")";
  }

  private static boolean present(String s) {
    return s != null && !s.isBlank();
  }
}
