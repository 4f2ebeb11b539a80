package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EnvironmentNameTest {
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  @Test
  void keepsCleanBranchNamesAsTheyAre() {
    assertThat(EnvironmentName.forBranch("main").value()).isEqualTo("main");
    assertThat(EnvironmentName.forBranch("feature-x").value()).isEqualTo("feature-x");
    assertThat(EnvironmentName.forBranch("fix-123").value()).isEqualTo("fix-123");
  }

  @Test
  void appendsStableHashWheneverSanitisingChangedTheName() {
    String slash = EnvironmentName.forBranch("Feature/X").value();
    String underscore = EnvironmentName.forBranch("feature_x").value();
    String plain = EnvironmentName.forBranch("feature-x").value();

    assertThat(slash).matches("feature-x-[0-9a-f]{8}");
    assertThat(underscore).matches("feature-x-[0-9a-f]{8}");
    assertThat(plain).isEqualTo("feature-x");
    assertThat(slash).isNotEqualTo(underscore);
  }

  @Test
  void hashIsTheSameOnEveryJvm() {
    // Pinned: SHA-256 of the raw branch, first four bytes as hex. A change here renames every
    // existing environment, so it must be deliberate.
    assertThat(EnvironmentName.forBranch("Feature/X").value())
        .isEqualTo("feature-x-" + sha8("Feature/X"));
    assertThat(EnvironmentName.forBranch("feature/Login-Fix").value())
        .isEqualTo("feature-login-fix-" + sha8("feature/Login-Fix"));
  }

  @Test
  void stripsGitRefPrefixes() {
    assertThat(EnvironmentName.forBranch("refs/heads/main").value()).isEqualTo("main");
    assertThat(EnvironmentName.forBranch("origin/main").value()).isEqualTo("main");
    assertThat(EnvironmentName.forBranch("refs/remotes/origin/release-1").value())
        .isEqualTo("release-1");
  }

  @Test
  void everySpellingOfOneBranchGivesOneEnvironment() {
    String expected = "feature-x-" + sha8("feature/x");
    for (String spelling :
        new String[] {
          "feature/x",
          "refs/heads/feature/x",
          "origin/feature/x",
          "refs/remotes/origin/feature/x",
          "refs/remotes/upstream/feature/x",
          "remotes/origin/feature/x",
          "  feature/x\n",
          "\trefs/heads/feature/x "
        }) {
      EnvironmentName name = EnvironmentName.forBranch(spelling);
      assertThat(name.value()).as(spelling).isEqualTo(expected);
      assertThat(name.branch()).as(spelling).contains("feature/x");
    }
    assertThat(EnvironmentName.forBranch("pr", "refs/heads/feature/x"))
        .isEqualTo(EnvironmentName.forBranch("pr", "origin/feature/x"));
    // distinct branches stay distinct
    assertThat(EnvironmentName.forBranch("feature/x"))
        .isNotEqualTo(EnvironmentName.forBranch("feature/y"))
        .isNotEqualTo(EnvironmentName.forBranch("feature-x"))
        .isNotEqualTo(EnvironmentName.forBranch("Feature/X"));
  }

  @Test
  void startsWithALetter() {
    String name = EnvironmentName.forBranch("123-fix").value();
    assertThat(name).matches("b-123-fix-[0-9a-f]{8}");
  }

  @Test
  void dropsAccentsAndKeepsNonLatinBranchesDistinct() {
    assertThat(EnvironmentName.forBranch("café").value()).startsWith("cafe-");
    String a = EnvironmentName.forBranch("日本").value();
    String b = EnvironmentName.forBranch("中文").value();
    assertThat(a).matches("branch-[0-9a-f]{8}");
    assertThat(b).matches("branch-[0-9a-f]{8}");
    assertThat(a).isNotEqualTo(b);
  }

  @Test
  void shortensLongNamesTo63CharactersWithHash() {
    String branch = "feature/" + "very-long-branch-name-".repeat(10);
    String name = EnvironmentName.forBranch(branch).value();
    assertThat(name).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL).matches(".*-[0-9a-f]{8}");
    // already-clean but too long: shortened, so hashed too
    String clean = "a".repeat(70);
    assertThat(EnvironmentName.forBranch(clean).value())
        .hasSize(63)
        .isEqualTo("a".repeat(54) + "-" + sha8(clean));
  }

  @Test
  void neverCutsToATrailingDash() {
    String branch = "a".repeat(53) + "-b" + "c".repeat(20);
    String name = EnvironmentName.forBranch(branch).value();
    assertThat(name).matches(DNS_LABEL).doesNotContain("--");
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "kube-system", "kube-public", "kube-node-lease", "Default"})
  void neverEqualsAKubernetesNamespace(String branch) {
    String name = EnvironmentName.forBranch(branch).value();
    assertThat(name)
        .isNotIn("default", "kube-system", "kube-public", "kube-node-lease")
        .doesNotStartWith("kube-")
        .matches(".*-[0-9a-f]{8}");
  }

  @Test
  void cleanNameThatLooksHashedGetsItsOwnHash() {
    // "feature-x-<8 hex>" would otherwise collide with the hashed form of some other branch
    String lookalike = "feature-x-" + sha8("Feature/X");
    assertThat(EnvironmentName.forBranch(lookalike).value())
        .isNotEqualTo(EnvironmentName.forBranch("Feature/X").value())
        .startsWith(lookalike + "-");
  }

  @Test
  void prefixIsPartOfTheName() {
    assertThat(EnvironmentName.forBranch("pr", "main").value()).isEqualTo("pr-main");
    assertThat(EnvironmentName.forBranch("pr", "123").value()).isEqualTo("pr-123");
    assertThat(EnvironmentName.forBranch("pr", "x".repeat(100)).value())
        .hasSize(63)
        .startsWith("pr-x");
  }

  @ParameterizedTest
  @ValueSource(strings = {"PR", "-pr", "pr-", "p_r", "a-very-long-prefix-over-twenty"})
  void refusesInvalidPrefixQuotingIt(String prefix) {
    assertThatThrownBy(() -> EnvironmentName.forBranch(prefix, "main"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + prefix + "\"");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "///", "--", "refs/heads/", "!!!", "🚀"})
  void refusesBranchWithoutLetterOrDigitQuotingIt(String branch) {
    assertThatThrownBy(() -> EnvironmentName.forBranch(branch))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"" + branch + "\"")
        .hasMessageContaining("no letter or digit");
  }

  @Test
  void refusesNullBranch() {
    assertThatThrownBy(() -> EnvironmentName.forBranch(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("null");
  }

  @Test
  void ofAcceptsOnlyValidNames() {
    assertThat(EnvironmentName.of("feature-x").value()).isEqualTo("feature-x");
    assertThat(EnvironmentName.of("feature-x")).isEqualTo(EnvironmentName.forBranch("feature-x"));
    for (String bad :
        new String[] {"Feature", "-x", "x-", "default", "kube-system", "a".repeat(64), "1abc"}) {
      assertThatThrownBy(() -> EnvironmentName.of(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void tenThousandRandomBranchesGiveValidDeterministicDistinctNames() {
    SplittableRandom random = new SplittableRandom(20261126L);
    String alphabet = "abcXYZ019-_/.@ #~^:éü日🚀";
    int[] cps = alphabet.codePoints().toArray();
    Map<String, String> byName = new HashMap<>();
    int made = 0;
    for (int i = 0; i < 10_000; i++) {
      int len = 1 + random.nextInt(i % 10 == 0 ? 120 : 30);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < len; j++) {
        sb.appendCodePoint(cps[random.nextInt(cps.length)]);
      }
      String branch = sb.toString();
      if (branch.strip().codePoints().noneMatch(Character::isLetterOrDigit)) {
        assertThatThrownBy(() -> EnvironmentName.forBranch(branch))
            .isInstanceOf(IllegalArgumentException.class);
        continue;
      }
      String name = EnvironmentName.forBranch(branch).value();
      assertThat(name).as(branch).hasSizeLessThanOrEqualTo(63).matches(DNS_LABEL);
      assertThat(name).isNotIn("default", "kube-system", "kube-public", "kube-node-lease");
      assertThat(name).doesNotStartWith("kube-");
      assertThat(EnvironmentName.forBranch(branch).value()).isEqualTo(name);
      String earlier = byName.putIfAbsent(name, branch);
      if (earlier != null) {
        // the same name is allowed only for the same branch up to what git itself treats as equal
        assertThat(stripped(earlier))
            .as("collision of %s and %s", earlier, branch)
            .isEqualTo(stripped(branch));
      }
      made++;
    }
    assertThat(made).isGreaterThan(9_000);
  }

  private static String stripped(String branch) {
    return branch
        .strip()
        .replaceFirst("^(refs/heads/|(refs/)?remotes/[^/]*/)?(origin/)?", "")
        .strip();
  }

  private static String sha8(String s) {
    try {
      byte[] d =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return String.format("%02x%02x%02x%02x", d[0], d[1], d[2], d[3]);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
