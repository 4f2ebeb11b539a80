package dev.previewenv.junit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The embedded cluster: k3s in a Testcontainers container, with its bundled traefik ingress
 * controller (port 80 exposed). The k3s image must already be in the local Docker engine: it is
 * never pulled, so a missing image fails in seconds. Images named in the overrides that exist in
 * the local engine are side-loaded into k3s's containerd.
 */
final class K3sProvider implements KubernetesClientProvider {
  private static final Logger log = LoggerFactory.getLogger(K3sProvider.class);

  private K3sContainer container;

  /** Why the embedded cluster cannot start here, or empty when it can. Takes about a second. */
  static Optional<String> unavailableReason(String image) {
    DockerClient docker;
    try {
      if (!DockerClientFactory.instance().isDockerAvailable()) {
        return Optional.of("no Docker engine is reachable: start Docker");
      }
      docker = DockerClientFactory.lazyClient();
    } catch (RuntimeException | Error e) {
      return Optional.of(
          "no Docker engine is reachable (" + e.getClass().getSimpleName() + "): start Docker");
    }
    try {
      docker.inspectImageCmd(image).exec();
      return Optional.empty();
    } catch (NotFoundException e) {
      return Optional.of(
          "the k3s image "
              + image
              + " is not in the local Docker engine (it is never pulled automatically); run"
              + " docker pull "
              + image);
    } catch (RuntimeException e) {
      return Optional.of("Docker could not inspect the image " + image + " (" + e + ")");
    }
  }

  @Override
  public synchronized KubernetesClient connect(Function<String, Optional<String>> settings) {
    String image =
        settings.apply(PreviewEnvironment.K3S_IMAGE).orElse(PreviewEnvironment.DEFAULT_K3S_IMAGE);
    Optional<String> problem = unavailableReason(image);
    if (problem.isPresent()) {
      throw new ExtensionConfigurationException(ClusterSelection.noClusterMessage(problem.get()));
    }
    log.info("Starting the embedded k3s cluster ({})", image);
    container =
        new K3sContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("rancher/k3s"))
            .withImagePullPolicy(name -> false);
    container.addExposedPorts(80);
    // Testcontainers disables traefik; keep it so ingresses route
    container.withCommand("server", "--tls-san=" + container.getHost());
    container.start();
    log.info(
        "Embedded k3s is up; its ingress controller listens on {}:{}",
        container.getHost(),
        container.getMappedPort(80));
    return new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(container.getKubeConfigYaml()))
        .build();
  }

  @Override
  public synchronized void loadImages(Collection<String> images) {
    if (container == null) {
      return;
    }
    DockerClient docker = DockerClientFactory.lazyClient();
    for (String image : images) {
      try {
        docker.inspectImageCmd(image).exec();
      } catch (NotFoundException e) {
        log.info("Image {} is not in the local Docker engine; k3s will pull it", image);
        continue;
      }
      sideLoad(docker, image);
    }
  }

  private void sideLoad(DockerClient docker, String image) {
    Path tar = null;
    try {
      tar = Files.createTempFile("previewenv-image", ".tar");
      try (InputStream in = docker.saveImageCmd(image).exec()) {
        Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
      }
      String target = "/tmp/previewenv-image.tar";
      container.copyFileToContainer(MountableFile.forHostPath(tar), target);
      Container.ExecResult result =
          container.execInContainer("ctr", "-n", "k8s.io", "images", "import", target);
      if (result.getExitCode() != 0) {
        throw new ExtensionConfigurationException(
            "Could not import the local image "
                + image
                + " into k3s (ctr exit "
                + result.getExitCode()
                + "): "
                + result.getStderr().strip()
                + ". Push it to a registry the cluster can reach instead");
      }
      container.execInContainer("rm", "-f", target);
      log.info("Side-loaded local image {} into k3s", image);
    } catch (IOException e) {
      throw new ExtensionConfigurationException(
          "Could not side-load the local image " + image + " into k3s: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExtensionConfigurationException(
          "Interrupted while side-loading the image " + image + " into k3s", e);
    } finally {
      if (tar != null) {
        try {
          Files.deleteIfExists(tar);
        } catch (IOException e) {
          log.debug("Could not delete {}: {}", tar, e.toString());
        }
      }
    }
  }

  @Override
  public synchronized void close() {
    if (container != null) {
      container.stop();
      container = null;
    }
  }
}
