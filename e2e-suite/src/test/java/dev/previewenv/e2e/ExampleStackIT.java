package dev.previewenv.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * DNS; Secret shop-db copied from a source namespace made for the run) and tearing it down after.
 */
@RealCluster
class ExampleStackIT {
  private static final String BRANCH = "it/example-" + UUID.randomUUID().toString().substring(0, 6);
  private static final String NAMESPACE = EnvironmentName.forBranch("", BRANCH).value();
  private static final String SOURCE_NS =
      "it-example-src-" + UUID.randomUUID().toString().substring(0, 6);

  @BeforeAll
  static void imagesArePresentAndTheSourceSecretIsThere(KubernetesClient client) {
    Optional<String> missing =
        LocalImages.missing(
            Stream.concat(
                    LocalImages.SERVICES.stream().map(LocalImages::example),
                    LocalImages.DATA_IMAGES.stream())
                .toList());
    // failsafe's log shows a skipped class without its reason: say it where it is read
    missing.ifPresent(why -> System.err.println("SKIPPED ExampleStackIT: " + why));
    Assumptions.assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
    ShopSecret.create(client, SOURCE_NS);
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    for (String ns : List.of(NAMESPACE, SOURCE_NS)) {
      if (client.namespaces().withName(ns).get() != null) {
        client.namespaces().withName(ns).withTimeout(2, TimeUnit.MINUTES).delete();
      }
    }
  }

  @Test
  void suitePassesOnAPreviewEnvironmentAndTheEnvironmentIsGoneAfterwards(KubernetesClient client) {
    EngineExecutionResults results =
        EngineTestKit.engine("junit-jupiter")
            .selectors(
                selectClass(HealthE2E.class),
                selectClass(OrderFlowE2E.class),
                selectClass(AdminProtectionE2E.class),
                selectClass(DataPathE2E.class),
                selectClass(FrontEndE2E.class))
            .configurationParameter(
                PreviewEnvironment.KUBECONFIG,
                RealCluster.Extension.kubeconfig().orElseThrow().toString())
            .configurationParameter(PreviewEnvironment.ACCESS, "port-forward")
            .configurationParameter(PreviewEnvironment.IMAGES, LocalImages.overrides())
            .configurationParameter(PreviewEnvironment.BRANCH, BRANCH)
            .configurationParameter(PreviewEnvironment.SECRETS, "copy:" + SOURCE_NS + "/shop-db")
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
        .assertStatistics(s -> s.started(12).succeeded(12).failed(0).aborted(0).skipped(0));
    assertThat(
            results.testEvents().succeeded().stream()
                .map(e -> e.getTestDescriptor().getUniqueId().toString()))
        .anyMatch(id -> id.contains("AdminProtectionE2E"))
        .anyMatch(id -> id.contains("orderForCatalogProductIsAcceptedAndCanBeReadBack"))
        .anyMatch(id -> id.contains("anOrderIsARowInPostgresAndItsSecondReadIsServedFromRedis"))
        .anyMatch(id -> id.contains("theSeedsProductsAreWhatTheCatalogServesFromPostgres"))
        .anyMatch(id -> id.contains("anOrderPlacedThroughTheFrontEndIsInTheApi"));
    assertThat(client.namespaces().withName(NAMESPACE).get())
        .as("namespace " + NAMESPACE + " after the run")
        .isNull();
  }
}
