package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.ClusterUnavailableException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The extension's cluster preflight: a kubeconfig mistake or a dead server fails the run before
 * anything else, with one message naming the file or server, reported in full once.
 */
class ClusterPreflightTest {
  private static final String TOKEN = "tok-77e1c0ffee";

  @TempDir Path dir;

  // ---- fixtures: run only through EngineTestKit --------------------------------------------

  abstract static class Probe {
    @Test
    void runs() {}
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class FirstClass extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class SecondClass extends Probe {}

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class ThirdClass extends Probe {}

  // ---- tests ------------------------------------------------------------------------------------

  @Test
  void aMissingKubeconfigFailsOnceInFullAndThenAsAOneLinePointer() {
    Path missing = dir.resolve("missing-kubeconfig");

    List<Throwable> failures = failures(run(PreviewEnvironment.KUBECONFIG, missing.toString()));

    assertThat(failures).hasSize(3);
    assertThat(failures.get(0))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessage(
            "The kubeconfig "
                + missing
                + " (from -Dpreviewenv.kubeconfig) does not exist. Fix the path, or unset it to"
                + " use "
                + Path.of(System.getProperty("user.home"), ".kube", "config")
                + ".");
    for (Throwable later : failures.subList(1, 3)) {
      assertThat(later)
          .isInstanceOf(ReportedEarlier.class)
          .hasMessageStartingWith(
              "Environment checkout was not provisioned (reported once, in full, for FirstClass):"
                  + " The kubeconfig "
                  + missing);
      assertThat(later.getStackTrace()).isEmpty();
    }
  }

  @Test
  void aKubeconfigThatDoesNotParseIsNamedWithItsLineButNeverQuoted() throws Exception {
    Path broken =
        Files.writeString(
            dir.resolve("broken"),
            "apiVersion: v1\nkind: Config\nusers:\n- name: u\n  user:\n    token: "
                + TOKEN
                + "\n   bad: [\n");

    List<Throwable> failures = failures(run(PreviewEnvironment.KUBECONFIG, broken.toString()));

    assertThat(failures.get(0))
        .hasMessage(
            "The kubeconfig "
                + broken
                + " (from -Dpreviewenv.kubeconfig) cannot be read: it is not valid YAML (line 7,"
                + " column 4). Fix the file.");
    assertThat(failures)
        .allSatisfy(f -> assertThat(String.valueOf(f.getMessage())).doesNotContain(TOKEN, "bad"));
  }

  @Test
  void aServerThatDoesNotAnswerFailsWithOneMessageNamingServerAndKubeconfig() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path kubeconfig =
        Files.writeString(
            dir.resolve("kubeconfig"),
            String.join(
                "\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- {name: dead, cluster: {server: \"https://127.0.0.1:" + closed + "\"}}",
                "contexts:",
                "- {name: dead, context: {cluster: dead, user: u}}",
                "current-context: dead",
                "users:",
                "- {name: u, user: {token: " + TOKEN + "}}",
                ""));

    List<Throwable> failures = failures(run(PreviewEnvironment.KUBECONFIG, kubeconfig.toString()));

    assertThat(failures.get(0))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasNoCause()
        .hasMessageStartingWith(
            "The Kubernetes API server https://127.0.0.1:"
                + closed
                + "/ (context dead of the kubeconfig "
                + kubeconfig
                + " (from -Dpreviewenv.kubeconfig)) did not answer within 3 s (")
        .hasMessageEndingWith(
            "). Start the cluster, or choose another with -Dpreviewenv.kubeconfig=<file> or"
                + " -Dpreviewenv.context=<name>.");
    assertThat(failures.subList(1, 3))
        .allSatisfy(f -> assertThat(f).isInstanceOf(ReportedEarlier.class));
  }

  @Test
  void aWrongContextNamesTheSettingAndTheContextsThereAre() throws Exception {
    try (TestCluster cluster = new TestCluster(dir)) {
      EngineExecutionResults results =
          cluster
              .request(FirstClass.class)
              .configurationParameter(PreviewEnvironment.CONTEXT, "prod")
              .execute();

      assertThat(failures(results).get(0))
          .hasMessage(
              "The kubeconfig "
                  + cluster.kubeconfig
                  + " (from -Dpreviewenv.kubeconfig) has no context \"prod\" (named by"
                  + " -Dpreviewenv.context); its contexts: test. Name one of them.");
    }
  }

  private EngineExecutionResults run(String key, String value) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(
            selectClass(FirstClass.class),
            selectClass(SecondClass.class),
            selectClass(ThirdClass.class))
        .configurationParameter(key, value)
        .configurationParameter(PreviewEnvironment.BRANCH, "checkout")
        .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "none")
        .configurationParameter(PreviewEnvironment.DIAGNOSTICS_DIR, dir.resolve("d").toString())
        .execute();
  }

  /** The failures of the classes, in execution order. */
  static List<Throwable> failures(EngineExecutionResults results) {
    return results.containerEvents().failed().stream()
        .map(Event::getPayload)
        .flatMap(p -> p.stream())
        .map(p -> ((TestExecutionResult) p).getThrowable().orElseThrow())
        .toList();
  }
}
