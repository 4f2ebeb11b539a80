package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole classes of bad input are plan problems naming file, document and field, found before
 * anything runs or is sent: parser failures (deep nesting, encoding), malformed Lists, Secret data
 * that is not base64, IP addresses as Ingress hosts, kustomizations that reach the network, and
 * objects the API server would refuse for their size.
 */
class BadInputClassesTest {
  private static final String CONFIG_MAP =
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n";

  @TempDir Path tmp;

  private static InvalidPlanException planFails(ManifestSource source) {
    return catchThrowableOfType(
        InvalidPlanException.class,
        () -> Plan.builder(EnvironmentName.forBranch("bad/input")).source(source).build());
  }

  @Test
  void deeplyNestedYamlIsAPlanProblemNotAStackOverflowError() {
    String deepFlow =
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: " + "[".repeat(20_000);
    StringBuilder deepBlock =
        new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d2}\nx:\n");
    for (int i = 1; i < 400; i++) {
      deepBlock.append(" ".repeat(i)).append("k:\n");
    }
    deepBlock.append(" ".repeat(400)).append("v\n");
    for (String yaml : new String[] {deepFlow, CONFIG_MAP + "---\n" + deepBlock}) {
      InvalidPlanException e = planFails(ManifestSource.yaml("deep.yaml", yaml));
      assertThat(e).isNotNull();
      assertThat(e.problems())
          .anySatisfy(p -> assertThat(p).startsWith("deep.yaml, document ").contains("nested"));
    }
  }

  @Test
  void anEncodingErrorNamesTheDocumentItIsIn() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(
        (CONFIG_MAP + "---\n" + CONFIG_MAP.replace("ok", "two") + "---\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.write(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: three\ndata:\n  k: caf"
            .getBytes(StandardCharsets.UTF_8));
    bytes.write(0xe9); // Latin-1 é: not UTF-8
    bytes.write("\n".getBytes(StandardCharsets.UTF_8));
    Path file = tmp.resolve("latin1.yaml");
    Files.write(file, bytes.toByteArray());

    InvalidPlanException e = planFails(ManifestSource.file(file));

    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("latin1.yaml, document 3 (counting from 1), line 16")
        .contains("not valid UTF-8");
  }

  @Test
  void aListWhoseItemsIsNotASequenceSaysSo() {
    InvalidPlanException e =
        planFails(
            ManifestSource.yaml(
                "list.yaml",
                "apiVersion: v1\nkind: List\nitems:\n  apiVersion: v1\n  kind: ConfigMap\n"));
    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("list.yaml, document 1")
        .contains("'items' of a List must be a sequence")
        .contains("a mapping");
  }

  @Test
  void secretDataThatIsNotBase64IsRefusedNamingTheKeyNotTheValue() {
    String value = "plain-text-password-123!";
    InvalidPlanException e =
        planFails(
            ManifestSource.yaml(
                "secret.yaml",
                "apiVersion: v1\nkind: Secret\nmetadata: {name: db}\ndata:\n  ok: aGVsbG8=\n  password: "
                    + value
                    + "\n"));
    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains("Secret/")
        .contains("/db: data.password is not base64")
        .contains("data.password is not base64")
        .contains("stringData")
        .doesNotContain(value)
        .doesNotContain("data.ok");
    assertThat(e.getMessage()).doesNotContain(value);
  }

  @Test
  void anIngressHostThatIsAnIpAddressIsRefused() {
    for (String host : new String[] {"10.0.0.7", "[2001:db8::1]"}) {
      InvalidPlanException e =
          planFails(
              ManifestSource.yaml(
                  "ingress.yaml",
                  "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec:\n"
                      + "  rules:\n  - host: \""
                      + host
                      + "\"\n"));
      assertThat(e).as(host).isNotNull();
      assertThat(String.join("\n", e.problems())).contains("is an IP address").contains(host);
    }
  }

  @Test
  void aKustomizationWithRemoteBasesFailsFastUnlessAllowed() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("overlay"));
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "resources:\n- deployment.yaml\n- https://github.com/example/stack//base?ref=v1\n");
    Files.writeString(dir.resolve("deployment.yaml"), CONFIG_MAP);
    // a kustomize that would hang: it must never be started
    Path hanging = tmp.resolve("hanging-kustomize");
    Files.writeString(hanging, "#!/bin/sh\nsleep 60\n");
    hanging.toFile().setExecutable(true);
    Kustomize kustomize = Kustomize.binary(hanging).withTimeout(Duration.ofSeconds(30));

    long start = System.nanoTime();
    InvalidPlanException e = planFails(ManifestSource.kustomize(dir, kustomize));
    long millis = (System.nanoTime() - start) / 1_000_000;

    assertThat(e.getMessage()).contains("reaches the network").contains("withRemoteBases(true)");
    assertThat(e.problems())
        .singleElement()
        .asString()
        .contains(
            "kustomization.yaml: resources entry https://github.com/example/stack//base?ref=v1");
    assertThat(millis).as("failed before running kustomize").isLessThan(30_000);
    assertThat(kustomize.withRemoteBases(true).remoteAllowed()).isTrue();
  }

  @Test
  void anObjectOverTheApiServersSizeLimitIsRefusedBeforeSending() {
    String big = "x".repeat(1600 * 1024);
    InvalidPlanException e =
        planFails(
            ManifestSource.yaml(
                "big.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: "
                    + big
                    + "\n"));
    assertThat(String.join("\n", e.problems()))
        .contains("ConfigMap/")
        .contains("/big: is ")
        .contains("over the API server's limit of 1.5 MiB");
  }
}
