package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two independent clients (own connections, own owners, as two CI runs) race on one branch on a
 * real cluster: exactly one holds the environment; the other fails naming it, or takes it over
 * explicitly; the owner that lost it never deletes it; the janitor leaves a live owner's expired
 * environment alone.
 */
@RealCluster
class TwoOwnersIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

  private static Plan plan(String branch) {
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(
            ManifestSource.objects(
                List.of(
                    new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("settings")
                        .endMetadata()
                        .addToData("k", "v")
                        .build())))
        .build();
  }

  private static Provisioner owner(KubernetesClient client, String name) {
    return Provisioner.forClient(client)
        .withOwner(name + "-" + RUN)
        .withApplyStrategy(ApplyStrategy.SERVER_SIDE)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(90));
  }

  @Test
  void twoClientsRacingOnOneBranchGiveOneOwnerAndTheLoserNeverDeletesIt(KubernetesClient admin)
      throws Exception {
    String branch = "race/" + RUN;
    Plan plan = plan(branch);
    String ns = plan.namespace();
    try (KubernetesClient clientA = RealCluster.Extension.newClient();
        KubernetesClient clientB = RealCluster.Extension.newClient()) {
      Provisioner a = owner(clientA, "a");
      Provisioner b = owner(clientB, "b");
      CyclicBarrier start = new CyclicBarrier(2);
      List<CompletableFuture<Preview>> runs = new ArrayList<>();
      for (Provisioner p : List.of(a, b)) {
        runs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    start.await(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  return p.up(plan);
                }));
      }
      List<Preview> won = new ArrayList<>();
      List<OwnerConflictException> lost = new ArrayList<>();
      for (CompletableFuture<Preview> run : runs) {
        try {
          won.add(run.get(120, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(OwnerConflictException.class);
          lost.add((OwnerConflictException) e.getCause());
        }
      }
      try {
        assertThat(won).hasSize(1);
        assertThat(lost).hasSize(1);
        Preview winner = won.get(0);
        Provisioner winnerP = runs.get(0).isCompletedExceptionally() ? b : a;
        Provisioner loserP = winnerP == a ? b : a;
        assertThat(lost.get(0).holder().identity()).isEqualTo(winnerP.holderIdentity());
        assertThat(lost.get(0))
            .hasMessageContaining("held by another live owner: " + winnerP.holderIdentity());
        Namespace held = admin.namespaces().withName(ns).get();
        assertThat(held.getMetadata().getAnnotations())
            .containsEntry(Keys.HOLDER, winnerP.holderIdentity());
        assertThat(
                admin
                    .leases()
                    .inNamespace(ns)
                    .withName(OwnerLease.NAME)
                    .get()
                    .getSpec()
                    .getHolderIdentity())
            .isEqualTo(winnerP.holderIdentity());

        // the janitor leaves a live owner's environment alone, even past its expiry
        admin
            .namespaces()
            .withName(ns)
            .edit(
                n -> {
                  n.getMetadata()
                      .getAnnotations()
                      .put(Keys.EXPIRES_AT, Instant.now().minusSeconds(60).toString());
                  return n;
                });
        JanitorReport gc =
            Provisioner.forClient(admin).janitor().withDryRun(true).gc(Instant.now());
        assertThat(gc.removals()).extracting(r -> r.environment().namespace()).doesNotContain(ns);

        // the loser takes over explicitly; the first owner then closes and must not delete it
        try (Preview taken = loserP.withOnConflict(OnConflict.takeOver()).up(plan)) {
          assertThat(admin.namespaces().withName(ns).get().getMetadata().getAnnotations())
              .containsEntry(Keys.HOLDER, loserP.holderIdentity());
          winner.close();
          assertThat(admin.namespaces().withName(ns).get()).isNotNull();
          assertThat(terminating(admin, ns)).isFalse();
        }
        assertThat(admin.namespaces().withName(ns).get()).isNull();
      } finally {
        won.forEach(Preview::close);
        admin.namespaces().withName(ns).delete();
      }
    }
  }

  /** Whether the namespace is being deleted. */
  private static boolean terminating(KubernetesClient admin, String ns) {
    Namespace n = admin.namespaces().withName(ns).get();
    return n != null && n.getMetadata().getDeletionTimestamp() != null;
  }
}
