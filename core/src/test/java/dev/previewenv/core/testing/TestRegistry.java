package dev.previewenv.core.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The image registry of the build (what {@code .ci/registry.sh} starts: Debian's docker-registry on
 * 127.0.0.1 with htpasswd), named by {@code PREVIEWENV_REGISTRY}, {@code
 * PREVIEWENV_REGISTRY_USERNAME} and {@code PREVIEWENV_REGISTRY_PASSWORD}. Without them a test that
 * needs it is skipped with the reason, except under {@code CI=true}, where it fails: CI starts the
 * registry, so a missing one is a broken CI run, not a reason to skip.
 *
 * <p>The password is never printed: not by {@link #toString()}, not in messages.
 *
 * @param host {@code host:port}
 */
public record TestRegistry(String host, String username, String password) {
  /**
   * The registry of the environment, or a skip (a failure under CI=true) saying how to start one.
   */
  public static TestRegistry required() {
    String host = System.getenv("PREVIEWENV_REGISTRY");
    String user = System.getenv("PREVIEWENV_REGISTRY_USERNAME");
    String password = System.getenv("PREVIEWENV_REGISTRY_PASSWORD");
    if (host == null || host.isBlank() || user == null || password == null) {
      String why =
          "no image registry: PREVIEWENV_REGISTRY, PREVIEWENV_REGISTRY_USERNAME and"
              + " PREVIEWENV_REGISTRY_PASSWORD are not set (start one: .ci/registry.sh start &&"
              + " eval \"$(.ci/registry.sh env)\")";
      if ("true".equals(System.getenv("CI"))) {
        Assertions.fail(why + "; under CI=true the registry ITs must run");
      }
      Assumptions.abort(why);
    }
    return new TestRegistry(host, user, password);
  }

  /** The registry of the environment, if one is given. */
  public static Optional<TestRegistry> fromEnvironment() {
    String host = System.getenv("PREVIEWENV_REGISTRY");
    if (host == null || host.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(required());
  }

  /** A {@code .dockerconfigjson} document for this registry with {@code password}. */
  public String dockerConfigJson(String password) {
    String auth =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\"" + host + "\":{\"auth\":\"" + auth + "\"}}}";
  }

  /**
   * Creates namespace {@code namespace} (unless it exists) with a {@code
   * kubernetes.io/dockerconfigjson} secret {@code name} for this registry, holding {@code password}
   * (pass a wrong one to test refusals).
   */
  public void createPullSecret(
      KubernetesClient client, String namespace, String name, String password) {
    if (client.namespaces().withName(namespace).get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    client
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToStringData(".dockerconfigjson", dockerConfigJson(password))
                .build())
        .createOr(existing -> existing.update());
  }

  /**
   * Pushes the local engine's image {@code localImage} as {@code <host>/<repository>} (e.g. {@code
   * previewenv-it/busybox:ab12}) with the docker CLI, logged in through a throw-away config
   * directory; returns the pushed reference. The local tag is removed again, so a later pull really
   * goes to the registry.
   */
  public String push(String localImage, String repository) {
    String target = host + "/" + repository;
    Path config = null;
    try {
      config = Files.createTempDirectory("previewenv-docker-");
      run(
          password,
          "docker",
          "--config",
          config.toString(),
          "login",
          "-u",
          username,
          "--password-stdin",
          host);
      run(null, "docker", "tag", localImage, target);
      run(null, "docker", "--config", config.toString(), "push", target);
      run(null, "docker", "rmi", target);
      return target;
    } catch (IOException e) {
      throw new IllegalStateException("could not push " + target + ": " + e.getMessage(), e);
    } finally {
      if (config != null) {
        try (Stream<Path> files = Files.walk(config)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary directory left behind
        }
      }
    }
  }

  private static void run(String stdin, String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", command).replace(String.valueOf(stdin), "***") + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** The host and user only. */
  @Override
  public String toString() {
    return "TestRegistry[" + host + ", user " + username + "]";
  }
}
