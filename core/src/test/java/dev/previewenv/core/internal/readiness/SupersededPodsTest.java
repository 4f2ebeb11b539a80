package dev.previewenv.core.internal.readiness;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.NotReadyException;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.KubeTestServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A re-run that fixes a bad image must converge: the old ReplicaSet's pod, still in
 * ImagePullBackOff while the new one becomes available, and pods outside the plan do not end the
 * wait. Objects are written by hand here (no simulator) to show exactly the rollout state.
 */
@InProcessCluster(simulator = false)
class SupersededPodsTest {
  private static final String NS = "rerun";
  private KubeTestServer kube;
  private KubernetesClient client;

  @BeforeEach
  void start(KubeTestServer kube) {
    this.kube = kube;
    client = kube.client();
  }

  private Deployment deployment(String revision) {
    Deployment d =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("web")
            .withNamespace(NS)
            .addToAnnotations("deployment.kubernetes.io/revision", revision)
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .withNewSelector()
            .addToMatchLabels("app", "web")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("web")
            .withImage("web:2")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    d = client.resource(d).create();
    d.setStatus(
        new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder()
            .withObservedGeneration(d.getMetadata().getGeneration())
            .withReplicas(2)
            .withUpdatedReplicas(1)
            .withReadyReplicas(1)
            .withAvailableReplicas(1)
            .build());
    return client.resource(d).updateStatus();
  }

  private void replicaSetWithBrokenPod(Deployment owner, String hash, String revision) {
    client
        .resource(
            new ReplicaSetBuilder()
                .withNewMetadata()
                .withName("web-" + hash)
                .withNamespace(NS)
                .addToAnnotations("deployment.kubernetes.io/revision", revision)
                .addNewOwnerReference()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName("web")
                .withUid(owner.getMetadata().getUid())
                .withController(true)
                .endOwnerReference()
                .endMetadata()
                .build())
        .create();
    client.resource(brokenPod("web-" + hash + "-x1", "ReplicaSet", "web-" + hash, hash)).create();
  }

  private static Pod brokenPod(String name, String ownerKind, String ownerName, String hash) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .addToLabels("pod-template-hash", hash)
        .addNewOwnerReference()
        .withKind(ownerKind)
        .withName(ownerName)
        .withUid(ownerName + "-uid")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .addNewContainerStatus()
        .withName("web")
        .withNewState()
        .withNewWaiting()
        .withReason("ImagePullBackOff")
        .withMessage("Back-off pulling image \"web:1\"")
        .endWaiting()
        .endState()
        .endContainerStatus()
        .endStatus()
        .build();
  }

  private void await(List<HasMetadata> objects) {
    new ReadinessWaiter(client).await(NS, NS, objects, List.of(), Duration.ofSeconds(20));
  }

  @Test
  void podOfTheOldRevisionAndPodsOutsideThePlanDoNotFailTheWait() {
    Deployment web = deployment("2");
    replicaSetWithBrokenPod(web, "old1", "1");
    client.resource(brokenPod("previewenv-e2e-abc-p1", "Job", "previewenv-e2e-abc", "x")).create();
    // the deployment controller finishes the rollout a little later: the old pod goes
    Thread finisher =
        new Thread(
            () -> {
              try {
                Thread.sleep(1500);
              } catch (InterruptedException e) {
                return;
              }
              client.pods().inNamespace(NS).withName("web-old1-x1").delete();
              Deployment d = client.apps().deployments().inNamespace(NS).withName("web").get();
              d.getStatus().setReplicas(1);
              client.resource(d).updateStatus();
            });
    finisher.start();

    assertThatCode(() -> await(List.of(web))).doesNotThrowAnyException();
  }

  @Test
  void podOfTheCurrentRevisionStillFailsFast() {
    Deployment web = deployment("2");
    replicaSetWithBrokenPod(web, "new2", "2");

    assertThatThrownBy(() -> await(List.of(web)))
        .isInstanceOf(NotReadyException.class)
        .hasMessageContaining("Deployment/web")
        .hasMessageContaining("ImagePullBackOff");
  }
}
