package dev.previewenv.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretValuesTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Secret registry(String type, String key, String config) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName("regcred")
        .endMetadata()
        .withType(type)
        .addToData(key, b64(config))
        .build();
  }

  @Test
  void theCredentialsInsideADockerConfigAreScrubbedOneByOne() {
    String config =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"ci-bot\",\"password\":\"pw-1f2e3d\","
            + "\"auth\":\""
            + b64("ci-bot:pw-1f2e3d")
            + "\"},\"other.example.com\":{\"identitytoken\":\"tok-9a8b7c\"}}}";
    SecretValues known =
        SecretValues.of(
            List.of(registry("kubernetes.io/dockerconfigjson", ".dockerconfigjson", config)));

    assertThat(known.scrub("docker login -p pw-1f2e3d registry.example.com"))
        .isEqualTo("docker login -p <redacted> registry.example.com");
    assertThat(known.scrub("Authorization: Basic " + b64("ci-bot:pw-1f2e3d")))
        .isEqualTo("Authorization: Basic <redacted>");
    assertThat(known.scrub("credentials ci-bot:pw-1f2e3d")).isEqualTo("credentials <redacted>");
    assertThat(known.scrub("token tok-9a8b7c")).isEqualTo("token <redacted>");
    assertThat(known.scrub("password " + b64("pw-1f2e3d"))).isEqualTo("password <redacted>");
    // the registry's host and the user name are no secrets: image references stay readable
    assertThat(known.scrub("pulling registry.example.com/web:1 as ci-bot"))
        .isEqualTo("pulling registry.example.com/web:1 as ci-bot");
  }

  @Test
  void theOlderDockercfgFormAndAGenericSecretAreUnderstoodToo() {
    String legacy = "{\"registry.example.com\":{\"password\":\"pw-legacy-77\",\"auth\":\"x\"}}";
    assertThat(
            SecretValues.of(List.of(registry("kubernetes.io/dockercfg", ".dockercfg", legacy)))
                .scrub("login pw-legacy-77"))
        .isEqualTo("login <redacted>");

    GenericKubernetesResource generic = new GenericKubernetesResource();
    generic.setApiVersion("v1");
    generic.setKind("Secret");
    generic.setAdditionalProperty(
        "stringData",
        Map.of(".dockerconfigjson", "{\"auths\":{\"r.example\":{\"password\":\"pw-generic-5\"}}}"));
    assertThat(SecretValues.of(List.of(generic)).scrub("login pw-generic-5"))
        .isEqualTo("login <redacted>");
  }

  @Test
  void aDockerConfigThatIsNotJsonIsStillKnownAsAWhole() {
    SecretValues known =
        SecretValues.of(
            List.of(
                registry("kubernetes.io/dockerconfigjson", ".dockerconfigjson", "{not: [json")));
    assertThat(known.scrub("config {not: [json")).isEqualTo("config <redacted>");
  }
}
