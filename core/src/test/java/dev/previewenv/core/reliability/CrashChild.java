package dev.previewenv.core.reliability;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The child JVM of the crash scenario: {@code java -cp <test classpath> CrashChild <url> <branch>}
 * provisions {@link ReliabilityPlans#crashPlanObjects} and then holds the environment (its
 * heartbeat running) until it is killed. Prints {@code UP} once provisioned.
 */
public final class CrashChild {
  private CrashChild() {}

  public static void main(String[] args) throws InterruptedException {
    String url = args[0];
    String branch = args[1];
    KubernetesClient client = FaultyApiServer.client(url, Map.of());
    Plan plan =
        Plan.builder(EnvironmentName.forBranch(branch))
            .source(ManifestSource.objects(ReliabilityPlans.crashPlanObjects()))
            .build();
    Preview preview =
        Provisioner.forClient(client).withOwner("crash-child").withoutReadinessWait().up(plan);
    System.out.println("UP " + preview.namespace());
    System.out.flush();
    new CountDownLatch(1).await(); // hold the environment until SIGKILL
  }
}
