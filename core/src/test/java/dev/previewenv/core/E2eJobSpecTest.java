package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.internal.job.JobObjects;
import dev.previewenv.core.internal.job.ServerVersion;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.KubeTestServer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.PodFailurePolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.VersionInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class E2eJobSpecTest {
  private static JobObjects build(E2eJob spec, Optional<ServerVersion> version) {
    return JobObjects.build(
        spec.jobSpec(), "ns1", "previewenv-e2e-abcde", Map.of(), version, "no /version");
  }

  /** Makes the test server report Kubernetes 1.{@code minor} on {@code /version}. */
  static void serverVersion(KubeTestServer kube, String minor) {
    kube.server()
        .setVersionInfo(
            new VersionInfo.Builder()
                .withMajor("1")
                .withMinor(minor)
                .withGitVersion("v1." + minor.replace("+", "") + ".3")
                .build());
  }

  @Test
  void jobOn120HasTheSafetySettingsButNeitherPodFailurePolicyNorTtl() {
    JobObjects o =
        build(
            E2eJob.of("shop-e2e:1").withImagePullPolicy("Never"),
            Optional.of(new ServerVersion(1, 20)));

    Job job = o.job();
    assertThat(job.getSpec().getBackoffLimit()).isZero();
    assertThat(job.getSpec().getActiveDeadlineSeconds()).isEqualTo(1800L);
    assertThat(job.getSpec().getPodFailurePolicy()).isNull();
    assertThat(job.getSpec().getTtlSecondsAfterFinished()).isNull();
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("cluster-autoscaler.kubernetes.io/safe-to-evict", "false");
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    assertThat(pod.getServiceAccountName()).isEqualTo("previewenv-e2e");
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).isEqualTo("shop-e2e:1");
    assertThat(c.getImagePullPolicy()).isEqualTo("Never");
    assertThat(c.getTerminationMessagePolicy()).isEqualTo("File");
    assertThat(c.getTerminationMessagePath()).isEqualTo("/dev/termination-log");
    assertThat(o.omitted())
        .anySatisfy(s -> assertThat(s).startsWith("podFailurePolicy omitted: server 1.20"))
        .anySatisfy(s -> assertThat(s).startsWith("ttlSecondsAfterFinished omitted: server 1.20"));
  }

  @ParameterizedTest
  @CsvSource({
    "1, 20, false, false, false",
    "1, 20, true, false, true",
    "1, 21, false, false, true",
    "1, 25, false, false, true",
    "1, 26, false, true, true",
    "1, 31, false, true, true"
  })
  void podFailurePolicyFrom126AndTtlFrom121UnlessForced(
      int major, int minor, boolean force, boolean expectPolicy, boolean expectTtl) {
    JobObjects o =
        build(
            E2eJob.of("e2e:1").withTtlOnOldServers(force),
            Optional.of(new ServerVersion(major, minor)));

    assertThat(o.job().getSpec().getPodFailurePolicy() != null).isEqualTo(expectPolicy);
    assertThat(o.job().getSpec().getTtlSecondsAfterFinished())
        .isEqualTo(expectTtl ? Integer.valueOf(600) : null);
  }

  @Test
  void unknownServerVersionOmitsBothAndSaysWhy() {
    JobObjects o = build(E2eJob.of("e2e:1"), Optional.empty());

    assertThat(o.job().getSpec().getPodFailurePolicy()).isNull();
    assertThat(o.job().getSpec().getTtlSecondsAfterFinished()).isNull();
    assertThat(o.omitted())
        .allSatisfy(s -> assertThat(s).contains("server version unknown (no /version)"));
  }

  @Test
  void podFailurePolicyFailsTheJobOnExitCodeOneAndIgnoresDisruptions() {
    JobObjects o = build(E2eJob.of("e2e:1"), Optional.of(new ServerVersion(1, 29)));

    List<PodFailurePolicyRule> rules = o.job().getSpec().getPodFailurePolicy().getRules();
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).getAction()).isEqualTo("FailJob");
    assertThat(rules.get(0).getOnExitCodes().getOperator()).isEqualTo("In");
    assertThat(rules.get(0).getOnExitCodes().getValues()).containsExactly(1);
    assertThat(rules.get(0).getOnExitCodes().getContainerName()).isEqualTo("e2e");
    assertThat(rules.get(1).getAction()).isEqualTo("Ignore");
    assertThat(rules.get(1).getOnPodConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("DisruptionTarget");
              assertThat(c.getStatus()).isEqualTo("True");
            });
  }

  @Test
  void parsesServerVersionsOfCloudProvidersAndGitVersions() {
    assertThat(ServerVersion.parse("1", "20+", null)).contains(new ServerVersion(1, 20));
    assertThat(ServerVersion.parse("", "", "v1.27.3-eks-1")).contains(new ServerVersion(1, 27));
    assertThat(ServerVersion.parse(null, null, "dev")).isEmpty();
  }

  @Test
  void serviceEnvNamesAreUpperCaseWithUnderscores() {
    assertThat(E2eJob.serviceEnvName("orders-api")).isEqualTo("PREVIEWENV_SERVICE_URL_ORDERS_API");
    assertThat(E2eJob.serviceEnvName("web.v2")).isEqualTo("PREVIEWENV_SERVICE_URL_WEB_V2");
    assertThatThrownBy(() -> E2eJob.serviceEnvName("bad name"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesBadSettingsWithWhatIsExpected() {
    assertThatThrownBy(() -> E2eJob.of(" ")).hasMessageContaining("non-blank image reference");
    assertThatThrownBy(() -> E2eJob.of("e2e:1").withImagePullPolicy("Sometimes"))
        .hasMessageContaining("Always, IfNotPresent, Never");
    assertThatThrownBy(() -> E2eJob.of("e2e:1").withTtlAfterFinished(Duration.ofSeconds(5)))
        .hasMessageContaining("at least 60 s");
    assertThatThrownBy(() -> E2eJob.of("e2e:1").withNamePrefix("Bad_Prefix"))
        .hasMessageContaining("lower-case");
  }

  @Test
  void createsLeastPrivilegeRbacAndAVersionShapedJobOnTheServer() {
    try (KubeTestServer kube = new KubeTestServer()) {
      serverVersion(kube, "26");
      try (ControllerSimulator unused = ControllerSimulator.start(kube)) {
        var client = kube.client();
        client
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("ns1").endMetadata().build())
            .create();

        String[] why = {null};
        assertThat(ServerVersion.of(client, why))
            .as("%s", (Object) why)
            .contains(new ServerVersion(1, 26));
        E2eResult result =
            E2eJob.of("e2e:1").withTimeout(Duration.ofSeconds(20)).run(client, "ns1", l -> {});

        Job job = client.batch().v1().jobs().inNamespace("ns1").withName(result.jobName()).get();
        assertThat(job.getSpec().getPodFailurePolicy()).isNotNull();
        assertThat(job.getSpec().getTtlSecondsAfterFinished()).isEqualTo(600);
        assertThat(client.serviceAccounts().inNamespace("ns1").withName("previewenv-e2e").get())
            .isNotNull();
        Role role = client.rbac().roles().inNamespace("ns1").withName("previewenv-e2e").get();
        assertThat(role.getRules())
            .extracting(PolicyRule::getApiGroups, PolicyRule::getResources, PolicyRule::getVerbs)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple(
                    List.of(""),
                    List.of("pods", "services", "endpoints", "configmaps"),
                    List.of("get", "list", "watch")),
                org.assertj.core.groups.Tuple.tuple(
                    List.of("networking.k8s.io"),
                    List.of("ingresses"),
                    List.of("get", "list", "watch")));
        assertThat(role.getRules())
            .allSatisfy(
                r -> {
                  assertThat(r.getResourceNames()).isNullOrEmpty();
                  assertThat(r.getNonResourceURLs()).isNullOrEmpty();
                });
        RoleBinding binding =
            client.rbac().roleBindings().inNamespace("ns1").withName("previewenv-e2e").get();
        assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
        assertThat(binding.getRoleRef().getName()).isEqualTo("previewenv-e2e");
        assertThat(binding.getSubjects())
            .singleElement()
            .satisfies(
                s -> {
                  assertThat(s.getKind()).isEqualTo("ServiceAccount");
                  assertThat(s.getName()).isEqualTo("previewenv-e2e");
                  assertThat(s.getNamespace()).isEqualTo("ns1");
                });
        assertThat(client.rbac().clusterRoles().list().getItems()).isEmpty();
        assertThat(client.rbac().clusterRoleBindings().list().getItems()).isEmpty();
      }
    }
  }
}
