package dev.previewenv.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

/**
 * The E2E suite from the CI JVM on a real cluster: the same classes the E2E image runs in attach
 * mode, here run through the JUnit Platform with {@code @ExampleStack} provisioning a preview
 * environment of the example stack (port-forward access: the cluster has no ingress controller or
 * DNS) and tearing it down after.
 */
@RealCluster
class ExampleStackIT {
  private static final String BRANCH = "it/example-" + UUID.randomUUID().toString().substring(0, 6);
  private static final String NAMESPACE = EnvironmentName.forBranch("", BRANCH).value();

  @BeforeAll
  static void imagesArePresent() {
    Optional<String> missing =
        LocalImages.missing(LocalImages.SERVICES.stream().map(LocalImages::example).toList());
    // failsafe's log shows a skipped class without its reason: say it where it is read
    missing.ifPresent(why -> System.err.println("SKIPPED ExampleStackIT: " + why));
    Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    if (client.namespaces().withName(NAMESPACE).get() != null) {
      client.namespaces().withName(NAMESPACE).withTimeout(2, TimeUnit.MINUTES).delete();
    }
  }

  @Test
  void suitePassesOnAPreviewEnvironmentAndTheEnvironmentIsGoneAfterwards(KubernetesClient client) {
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .selectors(
                selectClass(HealthE2E.class),
                selectClass(OrderFlowE2E.class),
                selectClass(AdminProtectionE2E.class))
            .configurationParameter(
                PreviewEnvironment.KUBECONFIG,
                RealCluster.Extension.kubeconfig().orElseThrow().toString())
            .configurationParameter(PreviewEnvironment.ACCESS, "port-forward")
            .configurationParameter(PreviewEnvironment.IMAGES, LocalImages.overrides())
            .configurationParameter(PreviewEnvironment.BRANCH, BRANCH)
            .configurationParameter(PreviewEnvironment.OWNER, "example-stack-it")
            .configurationParameter(PreviewEnvironment.RETENTION, "always")
            .configurationParameter(PreviewEnvironment.TTL, "30m")
            .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "3m")
            .configurationParameter(
                PreviewEnvironment.DIAGNOSTICS_DIR, "target/previewenv-it/example-stack")
            .execute();

    assertThat(results.allEvents().failed().stream())
        .as("failures in the E2E run")
        .extracting(
            e ->
                e.getTestDescriptor().getDisplayName()
                    + ": "
                    + e.getRequiredPayload(TestExecutionResult.class).getThrowable())
        .isEmpty();
    results
        .testEvents()
        .assertStatistics(s -> s.started(6).succeeded(6).failed(0).aborted(0).skipped(0));
    assertThat(
            results.testEvents().succeeded().stream()
                .map(e -> e.getTestDescriptor().getUniqueId().toString()))
        .anyMatch(id -> id.contains("AdminProtectionE2E"))
        .anyMatch(id -> id.contains("orderForCatalogProductIsAcceptedAndCanBeReadBack"));
    assertThat(client.namespaces().withName(NAMESPACE).get())
        .as("namespace " + NAMESPACE + " after the run")
        .isNull();
  }
}
