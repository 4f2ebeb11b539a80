package dev.previewenv.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.ClusterUnavailableException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {
  @TempDir Path home;

  static final CliArgs.Cluster NOTHING_GIVEN =
      new CliArgs.Cluster(Optional.empty(), Optional.empty(), Optional.empty());

  @Test
  void withoutAnyKubeconfigSaysHowToGetACluster() {
    assertThatThrownBy(() -> Kubeconfig.connect(NOTHING_GIVEN, k -> null, home))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("No Kubernetes cluster is configured")
        .hasMessageContaining(home.resolve(".kube/config").toString())
        .hasMessageContaining("--kubeconfig <file>")
        .hasMessageContaining("kind, k3d and minikube write ~/.kube/config");
  }

  @Test
  void missingKubeconfigFileFromKubeconfigVariableIsNamed() {
    Map<String, String> env = Map.of("KUBECONFIG", home.resolve("nope") + ":/elsewhere");

    assertThatThrownBy(() -> Kubeconfig.connect(NOTHING_GIVEN, env::get, home))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining(
            "The kubeconfig " + home.resolve("nope") + " (from KUBECONFIG) does not exist");
  }

  @Test
  void unreachableClusterFailsAtOnceNamingItsAddress() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path kubeconfig = kubeconfig("http://127.0.0.1:" + closed);

    assertThatThrownBy(
            () ->
                Kubeconfig.connect(
                    new CliArgs.Cluster(
                        Optional.of(kubeconfig), Optional.empty(), Optional.empty()),
                    k -> null,
                    home))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("The Kubernetes API server http://127.0.0.1:" + closed)
        .hasMessageContaining("did not answer within 3 s")
        .hasMessageContaining("choose another with --kubeconfig <file> or --context <name>");
  }

  @Test
  void unknownContextIsRefused() throws Exception {
    Path kubeconfig = kubeconfig("http://127.0.0.1:1");

    assertThatThrownBy(
            () ->
                Kubeconfig.connect(
                    new CliArgs.Cluster(
                        Optional.of(kubeconfig), Optional.of("prod"), Optional.empty()),
                    k -> null,
                    home))
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("has no context \"prod\" (named by --context)");
  }

  @Test
  void cliExitsWithTwoAndTheMessageWhenThereIsNoCluster() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    LoadCli cli =
        new LoadCli(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            c -> Kubeconfig.connect(c, k -> null, home),
            Path.of(""));

    int code = cli.run("load", "some-branch");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("LoadCli: No Kubernetes cluster is configured");
  }

  private Path kubeconfig(String server) throws Exception {
    Path file = home.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: c",
            "  cluster: {server: \"" + server + "\"}",
            "contexts:",
            "- name: c",
            "  context: {cluster: c, user: u}",
            "current-context: c",
            "users:",
            "- name: u",
            "  user: {token: not-a-secret}",
            ""));
    return file;
  }
}
