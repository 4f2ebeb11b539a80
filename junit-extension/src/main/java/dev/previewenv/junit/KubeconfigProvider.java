package dev.previewenv.junit;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * An existing cluster: the kubeconfig named by {@link PreviewEnvironment#KUBECONFIG}, else
 * fabric8's auto-configuration ({@code KUBECONFIG}, {@code ~/.kube/config}, in-cluster service
 * account), with the context {@link PreviewEnvironment#CONTEXT} when set.
 */
final class KubeconfigProvider implements KubernetesClientProvider {

  @Override
  public KubernetesClient connect(Function<String, Optional<String>> settings) {
    String context = settings.apply(PreviewEnvironment.CONTEXT).orElse(null);
    Optional<String> file = settings.apply(PreviewEnvironment.KUBECONFIG);
    Config config;
    if (file.isPresent()) {
      Path path = Path.of(file.get()).toAbsolutePath();
      if (!Files.isRegularFile(path)) {
        throw new ExtensionConfigurationException(
            "The kubeconfig "
                + path
                + " named by "
                + PreviewEnvironment.KUBECONFIG
                + " does not exist; point it at a kubeconfig file or unset it");
      }
      config = Config.fromKubeconfig(context, new File(path.toString()));
    } else {
      config = Config.autoConfigure(context);
    }
    if (context != null
        && config.getCurrentContext() != null
        && !context.equals(config.getCurrentContext().getName())) {
      throw new ExtensionConfigurationException(
          "The kubeconfig has no context \""
              + context
              + "\" (set by "
              + PreviewEnvironment.CONTEXT
              + "); list the contexts with kubectl config get-contexts");
    }
    // HTTP/2 where the server offers it: a wave of concurrent requests shares its connections
    return new KubernetesClientBuilder()
        .withConfig(config)
        .withHttpClientFactory(dev.previewenv.core.HttpClients.reusing())
        .build();
  }
}
