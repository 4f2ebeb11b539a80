package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.core.testing.TestRegistry;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Images from a real registry with authentication (Debian's docker-registry on loopback, started by
 * {@code .ci/registry.sh}), pulled by the real kubelet through the Docker engine: a copied pull
 * secret works, a pinned digest is what runs, and the three usual failures fail fast in the
 * kubelet's and the registry's own words, with the events in the diagnostics folder.
 */
@RealCluster
class RegistryPullIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String SOURCE_NS = "previewenv-it-registry-" + RUN;
  private static final Path DIAGNOSTICS = Path.of("target", "previewenv-it", "registry");
  private static TestRegistry registry;
  private static String image; // <registry>/previewenv-it/busybox:<run>

  @BeforeAll
  static void pushImageAndCreatePullSecrets(KubernetesClient client) {
    registry = TestRegistry.required();
    image = registry.push(ProvisionerIT.IMAGE, "previewenv-it/busybox:" + RUN);
    registry.createPullSecret(client, SOURCE_NS, "registry-credentials", registry.password());
    registry.createPullSecret(client, SOURCE_NS, "wrong-credentials", "not-the-password");
  }

  /** Namespaces whose deletion was requested; awaited together at the end (each takes ~45 s). */
  private static final List<String> DELETING = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterAll
  static void removeEverything(KubernetesClient client) {
    DELETING.add(SOURCE_NS);
    for (String ns : DELETING) {
      client.namespaces().withName(ns).delete();
    }
    for (String ns : DELETING) {
      client
          .namespaces()
          .withName(ns)
          .waitUntilCondition(java.util.Objects::isNull, 3, TimeUnit.MINUTES);
    }
  }

  private static Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("registry-it-" + RUN)
        .withApplyStrategy(ApplyStrategy.SERVER_SIDE)
        .withReadinessTimeout(Duration.ofMinutes(3))
        .withWaitTimeout(Duration.ofMinutes(2))
        .withDiagnosticsRoot(DIAGNOSTICS);
  }

  /** One Deployment of {@code app/busybox} (a name the override replaces), pulled every time. */
  private static Plan.Builder stack(String branch) {
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(
            ManifestSource.yaml(
                "registry-it.yaml",
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: app}}
                  template:
                    metadata: {labels: {app: app}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: app
                        image: app/busybox:placeholder
                        imagePullPolicy: Never
                        command: [sh, -c, "touch /tmp/ready && exec sleep 3600"]
                        readinessProbe:
                          exec: {command: [cat, /tmp/ready]}
                          periodSeconds: 1
                """));
  }

  @Test
  void aCopiedPullSecretPullsThePinnedDigestWithPullPolicyAlways(KubernetesClient client) {
    PullSecrets pull = PullSecrets.copy(SOURCE_NS, "registry-credentials");
    Plan plan =
        stack("it/registry-ok-" + RUN)
            .image(ImageOverride.parse("app/busybox=" + image).withPullPolicy(PullPolicy.ALWAYS))
            .pullSecrets(pull)
            .pinDigests(RegistryCredentials.fromSecrets(client, pull))
            .build();
    String digest = plan.pinnedImages().get(image);
    assertThat(digest).matches("sha256:[a-f0-9]{64}");
    assertThat(plan.toYaml())
        .contains(image + "@" + digest)
        .contains("imagePullPolicy: \"Always\"");

    try (Preview preview = provisioner(client).up(plan)) {
      Pod pod =
          client
              .pods()
              .inNamespace(preview.namespace())
              .withLabel("app", "app")
              .list()
              .getItems()
              .get(0);
      assertThat(pod.getSpec().getImagePullSecrets())
          .as("added by the ServiceAccount admission from the default ServiceAccount")
          .extracting(r -> r.getName())
          .containsExactly("registry-credentials");
      assertThat(pod.getStatus().getContainerStatuses().get(0).getImageID())
          .as("the kubelet ran exactly the pinned digest")
          .endsWith(digest);
    }
  }

  @Test
  void aTagThatDoesNotExistFailsFastWithManifestUnknown(KubernetesClient client)
      throws IOException {
    Plan plan =
        stack("it/registry-no-tag-" + RUN)
            .image(
                ImageOverride.parse("app/busybox=" + image + "-no-such-tag")
                    .withPullPolicy(PullPolicy.ALWAYS))
            .pullSecrets(PullSecrets.copy(SOURCE_NS, "registry-credentials"))
            .build();

    expectPullFailure(client, plan, "manifest unknown", "no such tag");
  }

  @Test
  void wrongCredentialsFailFastWithTheRegistrysRefusal(KubernetesClient client) throws IOException {
    Plan plan =
        stack("it/registry-wrong-" + RUN)
            .image(ImageOverride.parse("app/busybox=" + image).withPullPolicy(PullPolicy.ALWAYS))
            .pullSecrets(PullSecrets.copy(SOURCE_NS, "wrong-credentials"))
            .build();

    expectPullFailure(client, plan, "unauthorized", "credentials are wrong");
  }

  @Test
  void aMissingPullSecretFailsFastWithNoBasicAuthCredentials(KubernetesClient client)
      throws IOException {
    Plan plan =
        stack("it/registry-no-secret-" + RUN)
            .image(ImageOverride.parse("app/busybox=" + image).withPullPolicy(PullPolicy.ALWAYS))
            .build();

    expectPullFailure(client, plan, "no basic auth credentials", "no pull secret");
  }

  @Test
  void pinningATagTheRegistryDoesNotHaveChangesNothingOnTheCluster(KubernetesClient client) {
    PullSecrets pull = PullSecrets.copy(SOURCE_NS, "registry-credentials");
    EnvironmentName env = EnvironmentName.forBranch("it/registry-pin-gone-" + RUN);
    assertThatThrownBy(
            () ->
                stack("it/registry-pin-gone-" + RUN)
                    .image("app/busybox=" + image + "-gone")
                    .pullSecrets(pull)
                    .pinDigests(RegistryCredentials.fromSecrets(client, pull))
                    .build())
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("nothing was sent to the cluster")
        .satisfies(
            e ->
                assertThat(((InvalidPlanException) e).problems())
                    .singleElement()
                    .asString()
                    .contains("answered HTTP 404")
                    .contains("manifest unknown"));
    assertThat(client.namespaces().withName(env.value()).get()).isNull();
  }

  private void expectPullFailure(
      KubernetesClient client, Plan plan, String registryWords, String hint) throws IOException {
    long start = System.nanoTime();
    try {
      assertThatThrownBy(() -> provisioner(client).withCleanup(Cleanup.NEVER).up(plan))
          .isInstanceOf(NotReadyException.class)
          .hasMessageContaining("Deployment/app")
          .hasMessageMatching("(?s).*(ErrImagePull|ImagePullBackOff).*")
          .hasMessageContaining(registryWords)
          .hasMessageContaining(hint)
          .hasMessageNotContaining(registry.password());
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
          .as("fails fast, long before the 3 minute readiness timeout")
          .isLessThan(120);
      Path dir = DIAGNOSTICS.resolve(plan.namespace());
      String all;
      try (Stream<Path> files = Files.walk(dir)) {
        List<Path> list = files.filter(Files::isRegularFile).toList();
        StringBuilder sb = new StringBuilder();
        for (Path f : list) {
          sb.append(Files.readString(f));
        }
        all = sb.toString();
      }
      // the kubelet's own events of the failure: "Failed to pull image ..." and "Error:
      // ErrImagePull" (or the back-off) are sent apart from the pod status and from each other
      assertThat(all)
          .as("the diagnostics folder " + dir + " holds the kubelet's events")
          .containsPattern("Warning +(Failed|BackOff) +Pod/app-")
          .containsPattern("Failed to pull image|Error: ErrImagePull|Back-off pulling image")
          .contains(registryWords)
          .doesNotContain(registry.password());
    } finally {
      // the namespace controller takes its time with pods that never started: not awaited here
      DELETING.add(plan.namespace());
      client.namespaces().withName(plan.namespace()).delete();
    }
  }
}
