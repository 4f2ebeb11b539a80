package dev.previewenv.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * A removed protection fails the suite on the real cluster: {@link AdminProtectionE2E}, attached to
 * an environment whose admin ingress PreviewEnv did not protect (as when the protection setting is
 * dropped or the transformation breaks), fails naming the missing OAuth2 Proxy annotations; on the
 * same ingresses protected by PreviewEnv it passes. Only the preview overlay's ingresses are
 * deployed (no workloads), so each case takes seconds.
 */
@RealCluster
class RemovedProtectionIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final EnvironmentName UNPROTECTED =
      EnvironmentName.forBranch("it/unprotected-" + RUN);
  private static final EnvironmentName PROTECTED = EnvironmentName.forBranch("it/protected-" + RUN);

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    for (EnvironmentName env : List.of(UNPROTECTED, PROTECTED)) {
      if (client.namespaces().withName(env.value()).get() != null) {
        client.namespaces().withName(env.value()).delete();
      }
    }
  }

  private static EngineExecutionResults protectionCheckAttachedTo(
      KubernetesClient client, EnvironmentName env, UnaryOperator<Plan.Builder> protection) {
    List<HasMetadata> ingresses =
        ManifestSource.kustomize(Path.of("../examples/deploy/overlays/preview")).load().stream()
            .filter(o -> o instanceof Ingress)
            .toList();
    Plan plan =
        protection.apply(Plan.builder(env).source(ManifestSource.objects(ingresses))).build();
    Provisioner provisioner =
        Provisioner.forClient(client)
            .withOwner("it-removed-protection-" + RUN)
            .withoutReadinessWait()
            .withCleanup(Cleanup.ALWAYS)
            .withDiagnosticsRoot(Path.of("target", "previewenv-it", "removed-protection"));
    try (Preview preview = provisioner.up(plan)) {
      return org.junit.platform.testkit.engine.EngineTestKit.engine("junit-jupiter")
          .selectors(selectClass(AdminProtectionE2E.class))
          .configurationParameter(
              PreviewEnvironment.KUBECONFIG,
              RealCluster.Extension.kubeconfig().orElseThrow().toString())
          .configurationParameter(PreviewEnvironment.NAMESPACE, preview.namespace())
          .execute();
    }
  }

  @Test
  void theSuiteFailsWhenPreviewEnvDidNotProtectTheAdminIngress(KubernetesClient client) {
    EngineExecutionResults results =
        protectionCheckAttachedTo(client, UNPROTECTED, builder -> builder);

    results.testEvents().assertStatistics(s -> s.started(1).failed(1).succeeded(0));
    Throwable failure =
        results
            .testEvents()
            .failed()
            .list()
            .get(0)
            .getRequiredPayload(TestExecutionResult.class)
            .getThrowable()
            .orElseThrow();
    System.out.println("RemovedProtectionIT: the suite fails with: " + failure.getMessage());
    assertThat(failure.getMessage())
        .contains(
            "Ingress "
                + UNPROTECTED.value()
                + "/admin is not protected as PreviewEnv protects it for this environment")
        .contains("nginx.ingress.kubernetes.io/auth-url is missing")
        .contains("nginx.ingress.kubernetes.io/auth-signin is missing");
  }

  @Test
  void theSuitePassesOnTheSameIngressesProtectedByPreviewEnv(KubernetesClient client) {
    PreviewEnvironment stack = ExampleStack.class.getAnnotation(PreviewEnvironment.class);

    EngineExecutionResults results =
        protectionCheckAttachedTo(
            client,
            PROTECTED,
            builder -> builder.protect(stack.protectedIngresses()).authHost(stack.authHost()));

    results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
  }
}
