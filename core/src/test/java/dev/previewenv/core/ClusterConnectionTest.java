package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterConnectionTest {
  private static final String TOKEN = "tok-3f9a1c0b7e55d2";

  @TempDir Path home;
  final Map<String, String> env = new HashMap<>();
  HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  ClusterConnection connection() {
    return ClusterConnection.locate().environment(env::get, home, home.resolve("no-token"));
  }

  @Test
  void withoutAnySourceSaysSoAndHowToNameOne() {
    assertThat(connection().configured()).isFalse();
    assertThatThrownBy(() -> connection().connect())
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("No Kubernetes cluster is configured")
        .hasMessageContaining(home.resolve(".kube/config").toString())
        .hasMessageContaining("KUBECONFIG=<file>");
  }

  @Test
  void aMissingFileFromKubeconfigIsNamedAndNeverReplacedByTheInClusterAccount() throws Exception {
    Path token = Files.writeString(home.resolve("token"), TOKEN);
    env.put("KUBECONFIG", home.resolve("nope").toString());
    env.put("KUBERNETES_SERVICE_HOST", "10.0.0.1");

    ClusterConnection c = ClusterConnection.locate().environment(env::get, home, token);

    assertThat(c.configured()).isTrue();
    assertThatThrownBy(c::connect)
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessage(
            "The kubeconfig "
                + home.resolve("nope")
                + " (from KUBECONFIG) does not exist. Fix the path, or unset it to use "
                + home.resolve(".kube/config")
                + ".");
  }

  @Test
  void theFirstExistingFileOfKubeconfigIsUsed() throws Exception {
    Path file = kubeconfig("http://127.0.0.1:1");
    env.put("KUBECONFIG", home.resolve("nope") + java.io.File.pathSeparator + file);

    assertThat(connection().read().source())
        .isEqualTo("context c of the kubeconfig " + file + " (from KUBECONFIG)");
  }

  @Test
  void aMissingFileNamedBySettingNamesTheSetting() {
    assertThatThrownBy(
            () -> connection().kubeconfig(home.resolve("x"), "--kubeconfig <file>").connect())
        .hasMessageStartingWith("The kubeconfig " + home.resolve("x") + " (from --kubeconfig)");
  }

  @Test
  void brokenYamlNamesFileLineAndColumnButNeverItsContent() throws Exception {
    Path file = home.resolve("config");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "users:",
            "- name: u",
            "  user:",
            "    token: " + TOKEN,
            "   bad: [",
            ""));

    assertThatThrownBy(() -> connection().kubeconfig(file, "--kubeconfig <file>").connect())
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessage(
            "The kubeconfig "
                + file
                + " (from --kubeconfig) cannot be read: it is not valid YAML (line 7, column 4)."
                + " Fix the file.")
        .hasNoCause()
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN, "bad", "name: u"));
  }

  @Test
  void anUnknownContextListsTheContextsThereAre() throws Exception {
    Path file = kubeconfig("http://127.0.0.1:1");

    assertThatThrownBy(
            () ->
                connection()
                    .kubeconfig(file, "--kubeconfig <file>")
                    .context("prod", "--context <name>")
                    .connect())
        .hasMessage(
            "The kubeconfig "
                + file
                + " (from --kubeconfig) has no context \"prod\" (named by --context); its"
                + " contexts: c. Name one of them.");
  }

  @Test
  void aKubeconfigWithoutCurrentContextIsRefusedInsteadOfFallingBackToTheDefaultServer()
      throws Exception {
    Path file = Files.writeString(home.resolve("empty"), "apiVersion: v1\nkind: Config\n");

    assertThatThrownBy(() -> connection().kubeconfig(file, "--kubeconfig <file>").connect())
        .hasMessageContaining("has no current context and no contexts at all");
  }

  @Test
  void aClosedPortFailsNamingServerAndSource() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    Path file = kubeconfig("http://127.0.0.1:" + closed);

    assertThatThrownBy(() -> connection().kubeconfig(file, "--kubeconfig <file>").connect())
        .isInstanceOf(ClusterUnavailableException.class)
        .hasNoCause()
        .hasMessageStartingWith(
            "The Kubernetes API server http://127.0.0.1:"
                + closed
                + "/ (context c of the kubeconfig "
                + file
                + " (from --kubeconfig)) did not answer within 3 s (")
        .hasMessageEndingWith("). Start the cluster, or choose another with --kubeconfig <file>.")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
  }

  @Test
  void aServerThatAcceptsButNeverAnswersFailsAfterTheProbeTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path file = kubeconfig("http://127.0.0.1:" + silent.getLocalPort());

      assertThatThrownBy(
              () ->
                  connection()
                      .kubeconfig(file, "--kubeconfig <file>")
                      .probeTimeout(Duration.ofMillis(500))
                      .connect())
          .isInstanceOf(ClusterUnavailableException.class)
          .hasMessageContaining("did not answer within 500 ms");
    }
  }

  @Test
  void refusedCredentialsAreNamedAsSuch() throws Exception {
    serve(401, "{\"kind\":\"Status\",\"code\":401}");
    Path file = kubeconfig("http://127.0.0.1:" + server.getAddress().getPort());

    assertThatThrownBy(() -> connection().kubeconfig(file, "--kubeconfig <file>").connect())
        .isInstanceOf(ClusterUnavailableException.class)
        .hasMessageContaining("refused the credentials (HTTP 401)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
  }

  @Test
  void anAnsweringServerGivesAClient() throws Exception {
    serve(200, "{\"major\":\"1\",\"minor\":\"20\",\"gitVersion\":\"v1.20.2\"}");
    Path file = kubeconfig("http://127.0.0.1:" + server.getAddress().getPort());

    try (KubernetesClient client = connection().kubeconfig(file, "--kubeconfig <file>").connect()) {
      assertThat(client.getMasterUrl().getPort()).isEqualTo(server.getAddress().getPort());
    }
  }

  @Test
  void theServiceAccountIsUsedOnlyInAPod() throws Exception {
    Path token = Files.writeString(home.resolve("token"), TOKEN);
    env.put("KUBERNETES_SERVICE_HOST", "10.0.0.1");

    assertThat(ClusterConnection.locate().environment(env::get, home, token).read().source())
        .isEqualTo("the pod's service account");
    assertThat(
            ClusterConnection.locate()
                .environment(env::get, home, home.resolve("absent"))
                .configured())
        .isFalse();
  }

  private void serve(int code, String body) throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(code, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        });
    server.start();
  }

  private Path kubeconfig(String url) throws Exception {
    Path file = home.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: c",
            "  cluster: {server: \"" + url + "\"}",
            "contexts:",
            "- name: c",
            "  context: {cluster: c, user: u}",
            "current-context: c",
            "users:",
            "- name: u",
            "  user: {token: " + TOKEN + "}",
            ""));
    return file;
  }
}
