package dev.previewenv.junit;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.discovery.ClassSelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The in-process API server with the controller simulator, a kubeconfig pointing at it, and an
 * EngineTestKit request that points the extension at it. Fixture classes run only through {@link
 * #run}.
 */
final class TestCluster implements AutoCloseable {
  final KubeTestServer kube = new KubeTestServer();
  final ControllerSimulator simulator;
  final Path dir;
  final Path kubeconfig;

  TestCluster(Path dir) {
    this(dir, SimulatorOptions.defaults());
  }

  TestCluster(Path dir, SimulatorOptions options) {
    this.simulator = ControllerSimulator.start(kube, options);
    this.dir = dir;
    this.kubeconfig = dir.resolve("kubeconfig");
    String server = kube.client().getMasterUrl().toString();
    try {
      Files.writeString(
          kubeconfig,
          String.join(
              "\n",
              "apiVersion: v1",
              "kind: Config",
              "clusters:",
              "- name: test",
              "  cluster: {server: \"" + server + "\"}",
              "contexts:",
              "- name: test",
              "  context: {cluster: test, user: test}",
              "current-context: test",
              "users:",
              "- name: test",
              "  user: {token: not-a-secret}",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  KubernetesClient client() {
    return kube.client();
  }

  /** A request for the fixture classes with the extension pointed at this server. */
  EngineTestKit.Builder request(Class<?>... fixtures) {
    List<ClassSelector> selectors = new ArrayList<>();
    for (Class<?> f : fixtures) {
      selectors.add(selectClass(f));
    }
    return EngineTestKit.engine("junit-jupiter")
        .selectors(selectors.toArray(ClassSelector[]::new))
        .configurationParameter(PreviewEnvironment.KUBECONFIG, kubeconfig.toString())
        .configurationParameter(PreviewEnvironment.BRANCH, "checkout")
        .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "none")
        .configurationParameter(
            PreviewEnvironment.DIAGNOSTICS_DIR, dir.resolve("diagnostics").toString());
  }

  EngineExecutionResults run(Class<?>... fixtures) {
    return request(fixtures).execute();
  }

  /** The requests recorded so far with this method and path (drains the recorded requests). */
  List<RecordedRequest> drainRequests() {
    List<RecordedRequest> all = new ArrayList<>();
    try {
      RecordedRequest r;
      while ((r = kube.server().takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
        all.add(r);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return all;
  }

  @Override
  public void close() {
    simulator.close();
    kube.close();
  }
}
