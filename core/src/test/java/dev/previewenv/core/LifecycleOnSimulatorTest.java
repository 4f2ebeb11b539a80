package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.deployment;
import static dev.previewenv.core.TestPlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.InProcessCluster;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The lifecycle against the controller simulator: deletion is asynchronous, as on a cluster. */
@InProcessCluster(simulatorOptions = "simulatorOptions")
class LifecycleOnSimulatorTest {
  private KubeTestServer kube;
  private ControllerSimulator sim;
  private KubernetesClient client;

  static SimulatorOptions simulatorOptions() {
    return SimulatorOptions.builder().namespaceTerminatingFor(Duration.ofMillis(800)).build();
  }

  @BeforeEach
  void start(KubeTestServer kube, ControllerSimulator sim) {
    this.kube = kube;
    this.sim = sim;
    client = kube.client();
  }

  private Provisioner provisioner() {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.AUTO)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(10));
  }

  @Test
  void downWaitsThroughTerminatingUntilNamespaceIsGone() {
    Provisioner p = provisioner();
    p.up(plan("sim-down", configMap("a", "k", "v"), deployment("api", "api:1")));

    p.down(EnvironmentName.of("sim-down"));

    assertThat(client.namespaces().withName("sim-down").get()).isNull();
  }

  @Test
  void upWaitsForTerminatingNamespaceOfEarlierRunThenCreatesItAfresh() {
    Provisioner p = provisioner();
    p.up(plan("sim-rerun", configMap("a", "k", "v")));
    String oldUid = client.namespaces().withName("sim-rerun").get().getMetadata().getUid();
    client.namespaces().withName("sim-rerun").delete();
    assertThat(Namespaces.terminating(client.namespaces().withName("sim-rerun").get())).isTrue();

    p.up(plan("sim-rerun", configMap("a", "k", "v")));

    Namespace ns = client.namespaces().withName("sim-rerun").get();
    assertThat(ns.getMetadata().getUid()).isNotEqualTo(oldUid);
    assertThat(ns.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(client.configMaps().inNamespace("sim-rerun").withName("a").get()).isNotNull();
  }

  @Test
  void stuckFinalizerIsReportedByName() {
    Provisioner p = provisioner().withWaitTimeout(Duration.ofSeconds(3));
    p.up(plan("sim-stuck", configMap("held", "k", "v")));
    client
        .configMaps()
        .inNamespace("sim-stuck")
        .withName("held")
        .edit(
            c -> {
              c.getMetadata().setFinalizers(List.of("example.com/stuck"));
              return c;
            });

    assertThatThrownBy(() -> p.down(EnvironmentName.of("sim-stuck")))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Namespace sim-stuck of environment sim-stuck is still Terminating")
        .hasMessageContaining("NamespaceFinalizersRemaining")
        .hasMessageContaining("example.com/stuck")
        .hasMessageContaining("ConfigMap/held [example.com/stuck]");

    client
        .configMaps()
        .inNamespace("sim-stuck")
        .withName("held")
        .edit(
            c -> {
              c.getMetadata().setFinalizers(List.of());
              return c;
            });
    p.down(EnvironmentName.of("sim-stuck"));
    assertThat(client.namespaces().withName("sim-stuck").get()).isNull();
  }

  @Test
  void teardownFollowsANamespaceControllerThatKeepsMakingProgress() throws Exception {
    // 5 objects whose finalizers go one every 500 ms: the namespace takes ~3.3 s to go, longer
    // than the 2 s wait timeout, but its status changes all along (contents shrinking)
    Provisioner p = provisioner().withWaitTimeout(Duration.ofSeconds(2));
    Thread releaser = upWithHeldObjects(p, "sim-slow", 5);

    p.down(EnvironmentName.of("sim-slow"));

    assertThat(client.namespaces().withName("sim-slow").get()).isNull();
    releaser.join();
  }

  @Test
  void teardownThatKeepsProgressingStopsAtTheTeardownLimitNamingWhatRemains() throws Exception {
    Provisioner p =
        provisioner()
            .withWaitTimeout(Duration.ofSeconds(2))
            .withTeardownLimit(Duration.ofSeconds(3));
    Thread releaser = upWithHeldObjects(p, "sim-limit", 12);

    assertThatThrownBy(() -> p.down(EnvironmentName.of("sim-limit")))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Namespace sim-limit of environment sim-limit is still Terminating")
        .hasMessageContaining("after deleting it (the teardown limit)")
        .hasMessageContaining("example.com/slow");
    releaser.join();
    p.down(EnvironmentName.of("sim-limit"));
  }

  /**
   * Ups {@code count} ConfigMaps holding finalizer {@code example.com/slow}; the returned thread
   * (started) removes one finalizer every 500 ms once the namespace is being deleted.
   */
  private Thread upWithHeldObjects(Provisioner p, String env, int count) {
    List<io.fabric8.kubernetes.api.model.HasMetadata> objects = new java.util.ArrayList<>();
    for (int i = 0; i < count; i++) {
      objects.add(configMap("held-" + i, "k", "v"));
    }
    p.up(plan(env, objects.toArray(io.fabric8.kubernetes.api.model.HasMetadata[]::new)));
    for (int i = 0; i < count; i++) {
      client
          .configMaps()
          .inNamespace(env)
          .withName("held-" + i)
          .edit(
              c -> {
                c.getMetadata().setFinalizers(List.of("example.com/slow"));
                return c;
              });
    }
    Thread releaser =
        new Thread(
            () -> {
              try {
                while (!Namespaces.terminating(client.namespaces().withName(env).get())) {
                  Thread.sleep(50);
                }
                for (int i = 0; i < count; i++) {
                  Thread.sleep(500);
                  client
                      .configMaps()
                      .inNamespace(env)
                      .withName("held-" + i)
                      .edit(
                          c -> {
                            c.getMetadata().setFinalizers(List.of());
                            return c;
                          });
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "finalizer-releaser");
    releaser.setDaemon(true);
    releaser.start();
    return releaser;
  }

  /** Reads the namespace state the way the provisioner does. */
  private static final class Namespaces {
    static boolean terminating(Namespace ns) {
      return dev.previewenv.core.internal.provision.Namespaces.isTerminating(ns);
    }
  }
}
