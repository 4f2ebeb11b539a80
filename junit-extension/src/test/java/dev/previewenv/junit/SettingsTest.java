package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.Cleanup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir Path dir;

  final Map<String, String> parameters = new HashMap<>();
  final Map<String, String> properties = new HashMap<>();
  final Map<String, String> variables = new HashMap<>();

  Settings settings() {
    return new Settings(
        k -> Optional.ofNullable(parameters.get(k)), properties::get, variables::get);
  }

  @PreviewEnvironment(
      manifests = "deploy/app.yaml",
      images = {"api=registry.example.com/api:1", "web=registry.example.com/web:1"},
      branch = "from-annotation",
      retention = PreviewEnvironment.Retention.ALWAYS,
      ttl = "2h")
  static class Annotated {}

  PreviewEnvironment annotation() {
    return Annotated.class.getAnnotation(PreviewEnvironment.class);
  }

  EnvironmentSpec resolve() {
    return EnvironmentSpec.resolve(annotation(), "Annotated", settings(), dir);
  }

  @Test
  void environmentVariablesBeatSystemPropertiesBeatParametersBeatTheAnnotation() {
    assertThat(resolve().branch()).isEqualTo("from-annotation");
    parameters.put(PreviewEnvironment.BRANCH, "from-parameter");
    assertThat(resolve().branch()).isEqualTo("from-parameter");
    properties.put(PreviewEnvironment.BRANCH, "from-property");
    assertThat(resolve().branch()).isEqualTo("from-property");
    variables.put("PREVIEWENV_BRANCH", "from-variable");
    assertThat(resolve().branch()).isEqualTo("from-variable");
    assertThat(settings().origin(PreviewEnvironment.BRANCH))
        .isEqualTo("environment variable PREVIEWENV_BRANCH");
  }

  @Test
  void aBadValueSeenAsSystemPropertyAndAsParameterIsOneProblem() {
    // JUnit reads system properties as configuration parameters: -D values arrive twice
    properties.put(PreviewEnvironment.IMAGES, "api=bad image");
    parameters.put(PreviewEnvironment.IMAGES, "api=bad image");

    assertThatThrownBy(this::resolve)
        .hasMessageStartingWith("@PreviewEnvironment on Annotated has 1 problem;")
        .satisfies(e -> assertThat(e.getMessage().split("api=bad image", -1)).hasSize(2));
  }

  @Test
  void imageSettingsAddToAndOverrideTheAnnotationPerImageName() {
    parameters.put(PreviewEnvironment.IMAGES, "api=registry.example.com/api:2");
    properties.put(
        PreviewEnvironment.IMAGES,
        "api=registry.example.com/api:3, worker=registry.example.com/w:3");
    variables.put("PREVIEWENV_IMAGES", "worker=registry.example.com/w:4");

    assertThat(resolve().images())
        .containsExactly(
            "api=registry.example.com/api:3",
            "web=registry.example.com/web:1",
            "worker=registry.example.com/w:4");
  }

  @Test
  void retentionDefaultsToOnSuccessAndReuseMakesItNever() {
    assertThat(resolve().retention()).isEqualTo(Cleanup.ALWAYS);
    properties.put(PreviewEnvironment.RETENTION, "default");
    assertThat(resolve().retention()).isEqualTo(Cleanup.ON_SUCCESS);
    properties.put(PreviewEnvironment.REUSE, "true");
    assertThat(resolve().retention()).isEqualTo(Cleanup.NEVER);
    variables.put("PREVIEWENV_RETENTION", "on-success");
    assertThat(resolve().retention()).isEqualTo(Cleanup.ON_SUCCESS);
  }

  @Test
  void durationsAcceptShortFormsIsoAndNone() {
    assertThat(resolve().ttl()).isEqualTo(Duration.ofHours(2));
    parameters.put(PreviewEnvironment.TTL, "PT30M");
    parameters.put(PreviewEnvironment.READINESS_TIMEOUT, "none");
    assertThat(resolve().ttl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(resolve().readinessTimeout()).isZero();
    assertThat(EnvironmentSpec.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(EnvironmentSpec.parseDuration("2d")).isEqualTo(Duration.ofDays(2));
  }

  @Test
  void relativeManifestPathsResolveAgainstTheWorkingDirectory() {
    parameters.put(
        PreviewEnvironment.MANIFESTS, "kustomize:deploy/overlays/preview, classpath:x.yaml, /abs");
    assertThat(resolve().manifests())
        .containsExactly(
            "kustomize:" + dir.resolve("deploy/overlays/preview"), "classpath:x.yaml", "file:/abs");
  }

  @Test
  void badSettingsAreReportedTogetherNamingWhereTheyCameFrom() {
    variables.put("PREVIEWENV_REUSE", "maybe");
    properties.put(PreviewEnvironment.TTL, "forever");
    parameters.put(PreviewEnvironment.SECRETS, "vault:shared/x");

    assertThatThrownBy(this::resolve)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("3 problems")
        .hasMessageContaining("environment variable PREVIEWENV_REUSE is \"maybe\"")
        .hasMessageContaining("system property previewenv.ttl is \"forever\"")
        .hasMessageContaining("unknown strategy \"vault\"");
  }

  @Test
  void equalSettingsGiveEqualSpecificationsSoClassesShareAnEnvironment() {
    assertThat(resolve()).isEqualTo(resolve());
    EnvironmentSpec before = resolve();
    properties.put(PreviewEnvironment.IMAGES, "api=registry.example.com/api:9");
    assertThat(resolve()).isNotEqualTo(before);
  }

  @Test
  void environmentVariableNamesAreUpperCaseWithUnderscores() {
    assertThat(Settings.environmentName(PreviewEnvironment.READINESS_TIMEOUT))
        .isEqualTo("PREVIEWENV_READINESS_TIMEOUT");
    assertThat(Settings.environmentName(PreviewEnvironment.SERVICE_URL_PREFIX + "order-api"))
        .isEqualTo("PREVIEWENV_SERVICE_URL_ORDER_API");
  }

  // ---- branch detection ---------------------------------------------------------------------

  String detectBranch() {
    return BranchDetector.detect(Optional.empty(), settings(), dir);
  }

  @Test
  void branchComesFromCiVariablesInOrderBeforeGit() throws Exception {
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/from-git\n");
    assertThat(detectBranch()).isEqualTo("from-git");
    variables.put("BRANCH_NAME", "jenkins");
    assertThat(detectBranch()).isEqualTo("jenkins");
    variables.put("CI_COMMIT_REF_NAME", "gitlab");
    assertThat(detectBranch()).isEqualTo("gitlab");
    variables.put("GITHUB_REF_NAME", "github-push");
    assertThat(detectBranch()).isEqualTo("github-push");
    variables.put("GITHUB_HEAD_REF", "");
    assertThat(detectBranch())
        .as("blank GITHUB_HEAD_REF outside pull requests")
        .isEqualTo("github-push");
    variables.put("GITHUB_HEAD_REF", "feature/pr");
    assertThat(detectBranch()).isEqualTo("feature/pr");
    assertThat(BranchDetector.detect(Optional.of("explicit"), settings(), dir))
        .isEqualTo("explicit");
  }

  @Test
  void readsGitHeadWalkingUpAndFollowsWorktreeGitdirFiles() throws Exception {
    Path main = dir.resolve("main");
    Files.createDirectories(main.resolve(".git/worktrees/wt"));
    Files.writeString(main.resolve(".git/HEAD"), "ref: refs/heads/main\n");
    Files.writeString(main.resolve(".git/worktrees/wt/HEAD"), "ref: refs/heads/feature/login\n");
    Path wt = dir.resolve("wt");
    Files.createDirectories(wt.resolve("module/src"));
    Files.writeString(wt.resolve(".git"), "gitdir: ../main/.git/worktrees/wt\n");

    assertThat(BranchDetector.fromGit(main.resolve("."))).isEqualTo("main");
    assertThat(BranchDetector.fromGit(wt.resolve("module/src"))).isEqualTo("feature/login");
  }

  @Test
  void detachedHeadIsAClearError() throws Exception {
    Files.createDirectories(dir.resolve(".git"));
    Files.writeString(dir.resolve(".git/HEAD"), "1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c\n");

    assertThatThrownBy(this::detectBranch)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("detached at commit 1f2e3d4c5b6a")
        .hasMessageContaining("-Dpreviewenv.branch=<branch>")
        .hasMessageContaining("PREVIEWENV_BRANCH");
  }

  @Test
  void noBranchAnywhereIsAClearError() {
    // the temporary directory is outside any repository
    Path outside = Path.of("/");
    assertThatThrownBy(() -> BranchDetector.detect(Optional.empty(), settings(), outside))
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("GITHUB_HEAD_REF, GITHUB_REF_NAME, CI_COMMIT_REF_NAME, BRANCH_NAME")
        .hasMessageContaining("not inside a git repository");
  }

  @Test
  void registrySettingsReachThePlanPullSecretsPolicyAndPinning() {
    parameters.put(PreviewEnvironment.PULL_SECRETS, "shared/registry-credentials");
    parameters.put(PreviewEnvironment.PULL_SECRETS_ATTACH, "both");
    variables.put("PREVIEWENV_IMAGE_PULL_POLICY", "Always");
    properties.put(PreviewEnvironment.PIN_DIGESTS, "false");

    EnvironmentSpec spec = resolve();

    assertThat(spec.pullSecrets())
        .isEqualTo(
            new dev.previewenv.core.PullSecrets(
                "shared",
                java.util.List.of("registry-credentials"),
                dev.previewenv.core.PullSecrets.Attach.BOTH));
    assertThat(spec.imagePullPolicy()).isEqualTo(dev.previewenv.core.PullPolicy.ALWAYS);
    assertThat(spec.pinDigests()).isFalse();
  }

  @Test
  void badRegistrySettingsAreNamedTogether() {
    parameters.put(PreviewEnvironment.PULL_SECRETS, "registry-credentials");
    parameters.put(PreviewEnvironment.PULL_SECRETS_ATTACH, "node");
    parameters.put(PreviewEnvironment.IMAGE_PULL_POLICY, "sometimes");
    parameters.put(PreviewEnvironment.PIN_DIGESTS, "yes");

    assertThatThrownBy(this::resolve)
        .isInstanceOf(ExtensionConfigurationException.class)
        .hasMessageContaining("4 problems")
        .hasMessageContaining("\"registry-credentials\" must be namespace/name")
        .hasMessageContaining("previewenv.pull.secrets.attach")
        .hasMessageContaining("\"sometimes\"")
        .hasMessageContaining("previewenv.pin.digests");
  }
}
