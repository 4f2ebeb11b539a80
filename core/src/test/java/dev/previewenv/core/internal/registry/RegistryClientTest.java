package dev.previewenv.core.internal.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.previewenv.core.RegistryCredentials;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry API v2 client against an in-JVM HTTP server that answers as distribution does: Basic
 * challenges (htpasswd), Bearer challenges with a token realm, manifest unknown.
 */
class RegistryClientTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);
  private static final String PASSWORD = "canary-password-93c1";
  private static final String TOKEN = "canary-token-5d2e";

  private HttpServer server;
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String start(boolean bearer) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    String host = "127.0.0.1:" + server.getAddress().getPort();
    String basic =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("ci:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/token",
        ex -> {
          seen.add("token " + ex.getRequestURI().getQuery());
          if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            reply(ex, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"bad login\"}]}");
            return;
          }
          reply(ex, 200, "{\"token\":\"" + TOKEN + "\"}");
        });
    server.createContext(
        "/v2/",
        ex -> {
          ex.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
          String path = ex.getRequestURI().getPath();
          seen.add(ex.getRequestMethod() + " " + path);
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          boolean ok = bearer ? ("Bearer " + TOKEN).equals(auth) : basic.equals(auth);
          if (!ok) {
            ex.getResponseHeaders()
                .add(
                    "WWW-Authenticate",
                    bearer
                        ? "Bearer realm=\"http://"
                            + host
                            + "/token\",service=\"test-registry\",scope=\"repository:team/api:pull\""
                        : "Basic realm=\"test-registry\"");
            reply(
                ex,
                401,
                "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
            return;
          }
          if (path.equals("/v2/team/api/manifests/pr-42")) {
            ex.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
            reply(ex, 200, "{}");
            return;
          }
          reply(
              ex,
              404,
              "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}");
        });
    server.start();
    return host;
  }

  private static void reply(HttpExchange ex, int code, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.sendResponseHeaders(code, -1);
    } else {
      ex.sendResponseHeaders(code, bytes.length);
      ex.getResponseBody().write(bytes);
    }
    ex.close();
  }

  private static RegistryClient client(String host, String password) {
    return new RegistryClient(RegistryCredentials.of(host, "ci", password), Duration.ofSeconds(5));
  }

  @Test
  void resolvesATagWithBasicAuthOverHttpOnLoopback() throws Exception {
    String host = start(false);

    assertThat(client(host, PASSWORD).digest(host + "/team/api:pr-42")).isEqualTo(DIGEST);
    assertThat(seen).contains("HEAD /v2/team/api/manifests/pr-42");
  }

  @Test
  void resolvesATagWithABearerTokenFromTheChallengesRealm() throws Exception {
    String host = start(true);

    assertThat(client(host, PASSWORD).digest(host + "/team/api:pr-42")).isEqualTo(DIGEST);
    assertThat(seen)
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("token ")
                    .contains("service=test-registry")
                    .contains("scope=repository:team/api:pull"));
  }

  @Test
  void aTagThatDoesNotExistIsReportedInTheRegistrysWords() throws Exception {
    String host = start(false);

    assertThatThrownBy(() -> client(host, PASSWORD).digest(host + "/team/api:nope"))
        .hasMessageContaining("answered HTTP 404 for " + host + "/team/api:nope")
        .hasMessageContaining("manifest unknown: manifest unknown")
        .hasMessageContaining("no such tag");
  }

  @Test
  void wrongCredentialsAreA401InTheRegistrysWordsWithoutTheCredentials() throws Exception {
    String host = start(false);

    assertThatThrownBy(() -> client(host, "wrong-" + PASSWORD).digest(host + "/team/api:pr-42"))
        .hasMessageContaining("answered HTTP 401")
        .hasMessageContaining("unauthorized: authentication required")
        .hasMessageNotContaining(PASSWORD)
        .hasMessageNotContaining("Basic ");
  }

  @Test
  void wrongCredentialsAtTheTokenServiceAreReportedWithoutTheCredentials() throws Exception {
    String host = start(true);

    assertThatThrownBy(() -> client(host, "wrong").digest(host + "/team/api:pr-42"))
        .hasMessageContaining("token service of registry " + host + " answered HTTP 401")
        .hasMessageContaining("bad login")
        .hasMessageNotContaining(PASSWORD);
  }

  @Test
  void noCredentialsForABasicRegistrySaysToAddThem() throws Exception {
    String host = start(false);
    RegistryClient anonymous =
        new RegistryClient(RegistryCredentials.anonymous(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> anonymous.digest(host + "/team/api:pr-42"))
        .hasMessageContaining("asks for a user name and password")
        .hasMessageContaining("add it to the pull secret");
  }

  @Test
  void anImageWithoutRegistryHostIsNotGuessed() {
    RegistryClient anonymous =
        new RegistryClient(RegistryCredentials.anonymous(), Duration.ofSeconds(5));

    assertThatThrownBy(() -> anonymous.digest("team/api:pr-42"))
        .hasMessageContaining("names no registry host")
        .hasMessageContaining("<registry host>/team/api:pr-42");
  }

  @Test
  void referencesSplitIntoRegistryRepositoryAndTag() {
    assertThat(ImageReference.parse("127.0.0.1:5000/team/api:pr-42"))
        .isEqualTo(new ImageReference("127.0.0.1:5000", "team/api", "pr-42"));
    assertThat(ImageReference.parse("team/api"))
        .isEqualTo(new ImageReference(null, "team/api", "latest"));
    assertThat(ImageReference.parse("localhost/x:1").loopback()).isTrue();
    assertThat(ImageReference.parse("registry.example.com/x:1").loopback()).isFalse();
  }

  @Test
  void credentialsComeFromDockerConfigJsonAndNeverShow() {
    String auth =
        Base64.getEncoder().encodeToString(("ci:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    RegistryCredentials c =
        RegistryCredentials.fromDockerConfigJson(
            "{\"auths\":{\"https://Registry.Example.com:5000/v1/\":{\"auth\":\"" + auth + "\"}}}");

    assertThat(c.forHost("registry.example.com:5000"))
        .hasValueSatisfying(
            l -> {
              assertThat(l.username()).isEqualTo("ci");
              assertThat(l.password()).isEqualTo(PASSWORD);
              assertThat(l.toString()).doesNotContain(PASSWORD);
            });
    assertThat(c.toString()).isEqualTo("RegistryCredentials[registry.example.com:5000]");
    assertThatThrownBy(() -> RegistryCredentials.fromDockerConfigJson("{\"x\":" + PASSWORD))
        .hasMessageNotContaining(PASSWORD)
        .hasMessageContaining("not a .dockerconfigjson document");
  }
}
