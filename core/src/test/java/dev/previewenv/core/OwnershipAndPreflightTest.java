package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.internal.rbac.SelfSubjectAccessReviewer;
import dev.previewenv.core.internal.retry.Retry;
import dev.previewenv.core.reliability.ReliabilityPlans;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class OwnershipAndPreflightTest {
  KubernetesClient client;

  private Plan plan(String branch) {
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(ManifestSource.objects(ReliabilityPlans.small()))
        .build();
  }

  private Provisioner provisioner() {
    return Provisioner.forClient(client).withOwner("ci-42").withoutReadinessWait();
  }

  @Test
  void openPreviewHoldsARenewedLeaseAndIsOnlyCollectedOnceItExpires() {
    try (Preview preview = provisioner().up(plan("feature/lease"))) {
      Lease lease =
          client.leases().inNamespace(preview.namespace()).withName(OwnerLease.NAME).get();
      assertThat(lease.getSpec().getHolderIdentity())
          .startsWith("ci-42@")
          .endsWith(":" + ProcessHandle.current().pid());
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(30);
      Instant expiry = OwnerLease.expiry(lease).orElseThrow();

      JanitorReport now = provisioner().janitor().gc(Instant.now());
      assertThat(now.removals()).isEmpty();

      JanitorReport later = provisioner().janitor().withDryRun(true).gc(expiry.plusSeconds(1));
      assertThat(later.removals())
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.environment().namespace()).isEqualTo(preview.namespace());
                assertThat(r.reason())
                    .contains("orphaned")
                    .contains("ci-42")
                    .contains("expired at " + expiry);
              });
    }
  }

  @Test
  void noLateRenewalRecreatesTheLeaseOfAKeptEnvironment() throws InterruptedException {
    // renewals every 100 ms make one in flight at close() likely
    Preview preview =
        provisioner()
            .withHeartbeat(Duration.ofMillis(100), Duration.ofSeconds(1))
            .withCleanup(Cleanup.NEVER)
            .up(plan("feature/kept-racing"));
    Thread.sleep(250);
    preview.close();
    Thread.sleep(400); // several intervals: a renewal that outlived close() would be back by now
    assertThat(client.leases().inNamespace(preview.namespace()).withName(OwnerLease.NAME).get())
        .isNull();
  }

  @Test
  void keptEnvironmentLosesItsLeaseSoOnlyItsExpiryCounts() {
    Preview preview = provisioner().withCleanup(Cleanup.NEVER).up(plan("feature/kept"));
    preview.close();

    assertThat(client.leases().inNamespace(preview.namespace()).withName(OwnerLease.NAME).get())
        .isNull();
    Namespace ns = client.namespaces().withName(preview.namespace()).get();
    assertThat(ns.getMetadata().getAnnotations())
        .doesNotContainKeys(Keys.HEARTBEAT_SECONDS, Keys.HEARTBEAT_SINCE);
    JanitorReport report = provisioner().janitor().gc(Instant.now().plus(Duration.ofHours(1)));
    assertThat(report.removals()).isEmpty();
    assertThat(provisioner().janitor().gc(Instant.now().plus(Duration.ofHours(5))).deleted())
        .extracting(EnvironmentInfo::namespace)
        .containsExactly(preview.namespace());
  }

  @Test
  void preflightListsEveryMissingPermissionAndUpChangesNothing() {
    Set<String> denied = Set.of("deployments", "leases");
    Provisioner provisioner =
        provisioner()
            .withSecrets(SecretSpec.copy("shared", "registry"))
            .withAccessReviewer(p -> !denied.contains(p.resource()));
    Plan plan = plan("feature/rbac");

    PreflightReport report = provisioner.preflight(plan);

    assertThat(report.allowed()).isFalse();
    assertThat(report.missing())
        .extracting(p -> p.verb() + " " + p.resource())
        .containsExactly(
            "get leases",
            "create leases",
            "update leases",
            "delete leases",
            "create deployments",
            "patch deployments",
            "get deployments",
            "update deployments",
            "list deployments",
            "delete deployments");
    assertThat(report.checked())
        .extracting(PreflightReport.Permission::resource)
        .contains("namespaces", "configmaps", "secrets");
    assertThat(report.describe())
        .contains("lacks 10 of " + report.checked().size())
        .contains("apiGroups: [\"apps\"], resources: [deployments], verbs: [patch]")
        .contains("apiGroups: [\"coordination.k8s.io\"], resources: [leases], verbs: [create]");

    assertThatThrownBy(() -> provisioner.withPreflight(true).up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("lacks 10 of");
    assertThat(client.namespaces().list().getItems()).isEmpty();
  }

  @Test
  void preflightAsksTheServerWithSelfSubjectAccessReviews() {
    Plan plan = plan("feature/ssar");
    PreflightReport report =
        provisioner()
            .withAccessReviewer(
                SelfSubjectAccessReviewer.assumingAllowedWithoutAuthorizer(
                    client, Retry.defaults()))
            .preflight(plan);
    assertThat(report.allowed()).isTrue();
    assertThat(report.checked()).hasSizeGreaterThan(10);

    // a real reviewer refuses to guess when the server does not answer the review
    assertThatThrownBy(() -> provisioner().preflight(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("It may not be a real API server");
  }

  @Test
  void heartbeatSettingsAreValidated() {
    assertThatThrownBy(
            () -> provisioner().withHeartbeat(Duration.ofSeconds(30), Duration.ofSeconds(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("longer than the heartbeat interval");
    assertThat(List.of(provisioner().withHeartbeat(Duration.ofSeconds(1), Duration.ofSeconds(3))))
        .hasSize(1);
  }
}
