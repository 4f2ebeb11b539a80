package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Digest pinning in the plan, against an in-JVM registry API (Basic auth, manifest unknown). */
class DigestPinningTest {
  private static final String DIGEST = "sha256:" + "cd".repeat(32);
  private HttpServer server;
  private String host;

  @BeforeEach
  void registry() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    host = "127.0.0.1:" + server.getAddress().getPort();
    String basic =
        "Basic " + Base64.getEncoder().encodeToString("ci:pw".getBytes(StandardCharsets.UTF_8));
    server.createContext(
        "/v2/",
        ex -> {
          ex.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
          if (!basic.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"r\"");
            ex.sendResponseHeaders(401, -1);
          } else if (ex.getRequestURI().getPath().equals("/v2/shop/api/manifests/pr-42")) {
            ex.getResponseHeaders().add("Docker-Content-Digest", DIGEST);
            ex.sendResponseHeaders(200, -1);
          } else {
            byte[] body =
                "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\"}]}"
                    .getBytes(StandardCharsets.UTF_8);
            if (ex.getRequestMethod().equals("HEAD")) {
              ex.sendResponseHeaders(404, -1);
            } else {
              ex.sendResponseHeaders(404, body.length);
              ex.getResponseBody().write(body);
            }
          }
          ex.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private Plan.Builder builder() {
    return Plan.builder(EnvironmentName.forBranch("feature/pin"))
        .source(
            ManifestSource.objects(
                TestPlans.deployment("api", "shop/api:1"),
                TestPlans.deployment("web", "shop/web:1")));
  }

  @Test
  void pinnedTagsRunByDigestAndThePlanShowsTagAndDigest() {
    Plan plan =
        builder()
            .image("shop/api=" + host + "/shop/api:pr-42")
            .pinDigests(RegistryCredentials.of(host, "ci", "pw"))
            .build();

    assertThat(plan.pinnedImages())
        .containsExactly(java.util.Map.entry(host + "/shop/api:pr-42", DIGEST));
    assertThat(plan.toYaml()).contains("image: \"" + host + "/shop/api:pr-42@" + DIGEST + "\"");
    assertThat(plan.toYaml()).contains("shop/web:1");
  }

  @Test
  void withoutPinningNothingIsAskedAndTheTagStays() {
    Plan plan = builder().image("shop/api=" + host + "/shop/api:pr-42").build();

    assertThat(plan.pinnedImages()).isEmpty();
    assertThat(plan.toYaml()).contains(host + "/shop/api:pr-42").doesNotContain("@sha256");
  }

  @Test
  void aTagTheRegistryDoesNotKnowIsAProblemOfThePlanInTheRegistrysWords() {
    assertThatThrownBy(
            () ->
                builder()
                    .image("shop/api=" + host + "/shop/api:gone")
                    .image("shop/web=" + host + "/shop/web:also-gone")
                    .pinDigests(RegistryCredentials.of(host, "ci", "pw"))
                    .build())
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("nothing was sent to the cluster")
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p).contains("manifest unknown")));
  }
}
