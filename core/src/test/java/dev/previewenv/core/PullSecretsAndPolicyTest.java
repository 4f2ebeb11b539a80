package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.internal.job.JobObjects;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pull policies of overridden containers and pull secrets as a plan and provisioning setting. */
@EnableKubernetesMockClient(crud = true)
class PullSecretsAndPolicyTest {
  KubernetesClient client;

  private static final String STACK =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: api}
      spec:
        selector: {matchLabels: {app: api}}
        template:
          metadata: {labels: {app: api}}
          spec:
            imagePullSecrets: [{name: already-there}]
            initContainers:
              - {name: migrate, image: shop/api:1, imagePullPolicy: Never}
            containers:
              - {name: api, image: shop/api:1, imagePullPolicy: Never}
              - {name: sidecar, image: proxy:2, imagePullPolicy: Never}
      ---
      apiVersion: batch/v1
      kind: Job
      metadata: {name: seed}
      spec:
        template:
          spec:
            serviceAccountName: seeder
            restartPolicy: Never
            containers:
              - {name: seed, image: shop/seed:1}
      """;

  private static Plan.Builder builder() {
    return Plan.builder(EnvironmentName.forBranch("feature/pull"))
        .source(ManifestSource.yaml("stack.yaml", STACK));
  }

  private static <T extends HasMetadata> T find(Plan plan, Class<T> type, String name) {
    return plan.objects().stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> policies(Deployment d) {
    Map<String, String> out = new java.util.TreeMap<>();
    for (Container c : d.getSpec().getTemplate().getSpec().getInitContainers()) {
      out.put("init:" + c.getName(), c.getImagePullPolicy());
    }
    for (Container c : d.getSpec().getTemplate().getSpec().getContainers()) {
      out.put(c.getName(), c.getImagePullPolicy());
    }
    return out;
  }

  @Test
  void anOverridesPullPolicyReplacesTheManifestsNeverOnlyOnTheContainersItMatches() {
    Plan plan =
        builder()
            .image(
                ImageOverride.parse("shop/api=127.0.0.1:5000/shop/api:pr-42")
                    .withPullPolicy(PullPolicy.ALWAYS))
            .build();

    Deployment api = find(plan, Deployment.class, "api");
    assertThat(policies(api))
        .containsExactlyEntriesOf(
            new java.util.TreeMap<>(
                Map.of("init:migrate", "Always", "api", "Always", "sidecar", "Never")));
    assertThat(api.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("127.0.0.1:5000/shop/api:pr-42");
  }

  @Test
  void thePlansPullPolicyAppliesToOverriddenContainersUnlessTheOverrideSetsItsOwn() {
    Plan plan =
        builder()
            .pullPolicy(PullPolicy.IF_NOT_PRESENT)
            .image("shop/api=127.0.0.1:5000/shop/api@sha256:" + "a".repeat(64))
            .image(ImageOverride.parse("shop/seed:2").withPullPolicy(PullPolicy.ALWAYS))
            .build();

    assertThat(policies(find(plan, Deployment.class, "api")))
        .containsEntry("api", "IfNotPresent")
        .containsEntry("sidecar", "Never");
    assertThat(
            find(plan, io.fabric8.kubernetes.api.model.batch.v1.Job.class, "seed")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImagePullPolicy())
        .isEqualTo("Always");
  }

  @Test
  void withoutAnyPolicySettingTheManifestsPoliciesStay() {
    Plan plan = builder().image("shop/api:2").build();

    assertThat(policies(find(plan, Deployment.class, "api"))).containsEntry("api", "Never");
    assertThat(PullPolicy.parse("if-not-present")).isEqualTo(PullPolicy.IF_NOT_PRESENT);
    assertThatThrownBy(() -> PullPolicy.parse("sometimes"))
        .hasMessageContaining("\"sometimes\"")
        .hasMessageContaining("[Always, IfNotPresent, Never]");
  }

  @Test
  void serviceAccountAttachmentAddsADefaultServiceAccountAndWarnsAboutAccountsNotInThePlan() {
    Plan plan = builder().pullSecrets(PullSecrets.copy("shared", "registry-credentials")).build();

    ServiceAccount sa = find(plan, ServiceAccount.class, "default");
    assertThat(sa.getMetadata().getNamespace()).isEqualTo(plan.namespace());
    assertThat(sa.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/managed-by", "previewenv");
    assertThat(sa.getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-credentials");
    // pod specs are left alone in this mode
    assertThat(find(plan, Deployment.class, "api").getSpec().getTemplate().getSpec())
        .extracting(s -> s.getImagePullSecrets().stream().map(r -> r.getName()).toList())
        .isEqualTo(List.of("already-there"));
    assertThat(plan.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .contains("ServiceAccount seeder")
                    .contains("PullSecrets.Attach.BOTH"));
  }

  @Test
  void podSpecAttachmentAddsTheSecretsToEveryPodSpecOnceAndKeepsThoseThere() {
    Plan plan =
        builder()
            .pullSecrets(
                PullSecrets.copy("shared", "registry-credentials", "already-there")
                    .attachTo(PullSecrets.Attach.POD_SPEC))
            .build();

    assertThat(
            find(plan, Deployment.class, "api")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("already-there", "registry-credentials");
    assertThat(
            find(plan, io.fabric8.kubernetes.api.model.batch.v1.Job.class, "seed")
                .getSpec()
                .getTemplate()
                .getSpec()
                .getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-credentials", "already-there");
    assertThat(plan.objects()).noneMatch(ServiceAccount.class::isInstance);
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void pullSecretsParseFromNamespaceSlashNameAndRejectBadInputNamingIt() {
    PullSecrets p = PullSecrets.parse("shared/a, shared/b", PullSecrets.Attach.BOTH);
    assertThat(p.sourceNamespace()).isEqualTo("shared");
    assertThat(p.names()).containsExactly("a", "b");
    assertThat(PullSecrets.Attach.parse("pod-spec")).isEqualTo(PullSecrets.Attach.POD_SPEC);
    assertThatThrownBy(() -> PullSecrets.parse("registry-credentials", PullSecrets.Attach.BOTH))
        .hasMessageContaining("\"registry-credentials\" must be namespace/name");
    assertThatThrownBy(() -> PullSecrets.parse("a/x,b/y", PullSecrets.Attach.BOTH))
        .hasMessageContaining("more than one namespace (a, b)");
    assertThatThrownBy(() -> PullSecrets.Attach.parse("node"))
        .hasMessageContaining("service-account, pod-spec, both");
  }

  @Test
  void upCopiesThePullSecretAndTheDefaultServiceAccountCarriesIt() {
    sourceSecret("registry-credentials", "kubernetes.io/dockerconfigjson");
    Plan plan = builder().pullSecrets(PullSecrets.copy("shared", "registry-credentials")).build();

    try (Preview preview = provisioner().up(plan)) {
      var copy = client.secrets().inNamespace(plan.namespace()).withName("registry-credentials");
      assertThat(copy.get().getType()).isEqualTo("kubernetes.io/dockerconfigjson");
      assertThat(
              client
                  .serviceAccounts()
                  .inNamespace(plan.namespace())
                  .withName("default")
                  .get()
                  .getImagePullSecrets())
          .extracting(LocalObjectReference::getName)
          .containsExactly("registry-credentials");
    }
  }

  @Test
  void aPullSecretOfAnotherTypeIsRefusedBeforeAnythingIsCreated() {
    sourceSecret("tls", "kubernetes.io/tls");
    Plan plan = builder().pullSecrets(PullSecrets.copy("shared", "tls")).build();

    assertThatThrownBy(() -> provisioner().up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("shared/tls (type kubernetes.io/tls)")
        .hasMessageContaining("Nothing was created");
    assertThat(client.namespaces().withName(plan.namespace()).get()).isNull();
  }

  @Test
  void aMissingPullSecretIsRefusedBeforeAnythingIsCreated() {
    Plan plan = builder().pullSecrets(PullSecrets.copy("shared", "nope")).build();

    assertThatThrownBy(() -> provisioner().up(plan))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("shared/nope");
    assertThat(client.namespaces().withName(plan.namespace()).get()).isNull();
  }

  @Test
  void theE2eJobsServiceAccountGetsThePullSecrets() {
    JobObjects objects =
        JobObjects.build(
            E2eJob.of("127.0.0.1:5000/e2e:1").withPullSecrets("registry-credentials").jobSpec(),
            "ns",
            "job-1",
            Map.of(),
            Optional.empty(),
            null);
    assertThat(objects.serviceAccount().getImagePullSecrets())
        .extracting(LocalObjectReference::getName)
        .containsExactly("registry-credentials");
    assertThat(E2eJob.of("x:1").pullSecrets()).isEmpty();
  }

  private Provisioner provisioner() {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(10));
  }

  private void sourceSecret(String name, String type) {
    if (client.namespaces().withName("shared").get() == null) {
      client
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
          .create();
    }
    client
        .secrets()
        .inNamespace("shared")
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("shared")
                .endMetadata()
                .withType(type)
                .addToData(type.endsWith("tls") ? "tls.crt" : ".dockerconfigjson", "e30=")
                .build())
        .create();
  }
}
