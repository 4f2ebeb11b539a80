package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageOverrideTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void parsesNewNameWithRegistryPortAndTag() {
    ImageOverride o = ImageOverride.parse("api=registry.example.com:5000/team/api:sha-1f2e");
    assertThat(o.name()).isEqualTo("api");
    assertThat(o.newName()).contains("registry.example.com:5000/team/api");
    assertThat(o.newTag()).contains("sha-1f2e");
    assertThat(o.digest()).isEmpty();
  }

  @Test
  void parsesNewNameWithDigest() {
    ImageOverride o = ImageOverride.parse("api=registry.example.com/team/api@" + DIGEST);
    assertThat(o.newName()).contains("registry.example.com/team/api");
    assertThat(o.newTag()).isEmpty();
    assertThat(o.digest()).contains(DIGEST);
  }

  @Test
  void parsesNewNameWithTagAndDigest() {
    ImageOverride o = ImageOverride.parse("api=reg:5000/api:v2@" + DIGEST);
    assertThat(o.newName()).contains("reg:5000/api");
    assertThat(o.newTag()).contains("v2");
    assertThat(o.digest()).contains(DIGEST);
  }

  @Test
  void parsesNewNameAloneWithoutMistakingThePortForATag() {
    ImageOverride o = ImageOverride.parse("api=registry.example.com:5000/team/api");
    assertThat(o.newName()).contains("registry.example.com:5000/team/api");
    assertThat(o.newTag()).isEmpty();
  }

  @Test
  void parsesTagOnlyAndDigestOnlyForms() {
    ImageOverride tag = ImageOverride.parse("registry.example.com:5000/team/api:v3");
    assertThat(tag.name()).isEqualTo("registry.example.com:5000/team/api");
    assertThat(tag.newName()).isEmpty();
    assertThat(tag.newTag()).contains("v3");
    ImageOverride digest = ImageOverride.parse("api@" + DIGEST);
    assertThat(digest.name()).isEqualTo("api");
    assertThat(digest.digest()).contains(DIGEST);
  }

  @Test
  void printsTheSetImageFormItWasParsedFrom() {
    for (String s :
        new String[] {"api=reg:5000/api:v2@" + DIGEST, "api:v2", "api@" + DIGEST, "api=x/y"}) {
      assertThat(ImageOverride.parse(s)).hasToString(s).isEqualTo(ImageOverride.parse(s));
    }
  }

  @Test
  void rewritesWithKustomizeSemantics() {
    ImageOverride tag = ImageOverride.parse("api:2");
    assertThat(tag.rewrite("api:1@" + DIGEST)).contains("api:2");
    assertThat(tag.rewrite("api")).contains("api:2");
    ImageOverride digest = ImageOverride.parse("api@" + DIGEST);
    assertThat(digest.rewrite("api:1")).contains("api@" + DIGEST);
    ImageOverride name = ImageOverride.parse("api=mirror/api");
    assertThat(name.rewrite("api:1@" + DIGEST)).contains("mirror/api:1@" + DIGEST);
    assertThat(name.rewrite("api-gateway:1")).isEmpty();
    assertThat(name.rewrite("team/api:1")).isEmpty();
  }

  @Test
  void comparesNamesLiterallyNotAsRegularExpressions() {
    assertThat(ImageOverride.parse("my.app:2").matches("myXapp:1")).isFalse();
    assertThat(ImageOverride.parse("my.app:2").matches("my.app:1")).isTrue();
  }

  @Test
  void doesNotNormaliseDockerHubNames() {
    assertThat(ImageOverride.parse("nginx:1.27").matches("docker.io/library/nginx:1.25")).isFalse();
  }

  @Test
  void withersValidateAndKeepTheRest() {
    ImageOverride o = ImageOverride.parse("api:1").withNewName("reg/api").withDigest(DIGEST);
    assertThat(o).hasToString("api=reg/api:1@" + DIGEST);
    assertThatThrownBy(() -> o.withNewTag("-bad")).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "api",
        "api=",
        "=reg/api:1",
        "api=Reg/API:1",
        "api:-bad",
        "api:",
        "api@sha256:1234",
        "api@md5",
        "api=reg/api@sha256:" + "AB",
        "api=*:1",
        "api=reg/api@sha256:a@sha256:b",
        "api=reg api:1"
      })
  void refusesInvalidSyntaxQuotingTheInputAndShowingAnExample(String input) {
    assertThatThrownBy(() -> ImageOverride.parse(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + input + "\"")
        .hasMessageContaining("api=registry.example.com:5000/team/api:sha-1f2e");
  }

  @Test
  void refusesNull() {
    assertThatThrownBy(() -> ImageOverride.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }
}
