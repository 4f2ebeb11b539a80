package dev.previewenv.core;

import static dev.previewenv.core.testing.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.reliability.ReliabilityPlans;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One live owner per environment: the policies of a second owner, teardown and the janitor. */
@EnableKubernetesMockClient(crud = true)
class OneOwnerTest {
  KubernetesClient client;

  private Plan plan(String branch) {
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(ManifestSource.objects(ReliabilityPlans.small()))
        .build();
  }

  private Provisioner owner(String name) {
    return Provisioner.forClient(client).withOwner(name).withoutReadinessWait();
  }

  private Namespace ns(Preview p) {
    return client.namespaces().withName(p.namespace()).get();
  }

  private Lease lease(String ns) {
    return client.leases().inNamespace(ns).withName(OwnerLease.NAME).get();
  }

  @Test
  void secondOwnerFailsAtOnceNamingTheHolderAndSinceWhenAndChangesNothing() {
    try (Preview first = owner("run-a").up(plan("feature/owned"))) {
      Namespace before = ns(first);
      String holderA = owner("run-a").holderIdentity();

      assertThatThrownBy(() -> owner("run-b").up(plan("feature/owned")))
          .isInstanceOfSatisfying(
              OwnerConflictException.class,
              e -> {
                assertThat(e.holder().identity()).isEqualTo(holderA);
                assertThat(e.holder().since())
                    .isEqualTo(
                        Instant.parse(
                            before.getMetadata().getAnnotations().get(Keys.HEARTBEAT_SINCE)));
              })
          .hasMessageContaining("is held by another live owner: " + holderA + ", since ")
          .hasMessageContaining("OnConflict.takeOver()");

      Namespace after = ns(first);
      assertThat(after.getMetadata().getResourceVersion())
          .isEqualTo(before.getMetadata().getResourceVersion());
      assertThat(lease(first.namespace()).getSpec().getHolderIdentity()).isEqualTo(holderA);
      assertThat(owner("run-b").liveHolder(first.environment()))
          .hasValueSatisfying(h -> assertThat(h.identity()).isEqualTo(holderA));
      // a plain down from another owner refuses too
      assertThatThrownBy(() -> owner("run-b").down(first.environment()))
          .isInstanceOf(OwnerConflictException.class);
      assertThat(ns(first)).isNotNull();
    }
  }

  @Test
  void anInterruptedUpReleasesTheEnvironmentSoTheNextRunHasItAtOnce() throws Exception {
    Plan plan = plan("feature/cancelled");
    String ns = plan.namespace();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    // no controllers here: the Deployments never become ready, so up waits until interrupted
    Thread pipeline =
        new Thread(
            () -> {
              try {
                Provisioner.forClient(client)
                    .withOwner("run-a")
                    .withCleanup(Cleanup.NEVER)
                    .withReadinessTimeout(Duration.ofMinutes(5))
                    .up(plan);
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    pipeline.start();
    eventually("the owner lease of the running up")
        .until(
            () -> lease(ns),
            l -> l != null && l.getSpec().getHolderIdentity().startsWith("run-a@"));
    pipeline.interrupt(); // what the CLI does on SIGTERM (a cancelled pipeline)
    pipeline.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(pipeline.isAlive()).isFalse();
    assertThat(failure.get()).isInstanceOf(PreviewEnvException.class);
    assertThat(lease(ns)).as("released despite the interrupt").isNull();
    assertThat(client.namespaces().withName(ns).get().getMetadata().getAnnotations())
        .doesNotContainKey(Keys.HOLDER);
    // the next pipeline's up (default OnConflict.fail) is not refused by the cancelled one
    try (Preview next = owner("run-b").up(plan)) {
      assertThat(lease(next.namespace()).getSpec().getHolderIdentity())
          .isEqualTo(owner("run-b").holderIdentity());
    }
  }

  @Test
  void takeOverIsExplicitAndTheOwnerThatLostItNeverDeletesIt() {
    Preview first = owner("run-a").up(plan("feature/taken"));
    Preview second = owner("run-b").withOnConflict(OnConflict.takeOver()).up(plan("feature/taken"));
    String holderB = owner("run-b").holderIdentity();
    assertThat(ns(second).getMetadata().getAnnotations()).containsEntry(Keys.HOLDER, holderB);
    assertThat(lease(second.namespace()).getSpec().getHolderIdentity()).isEqualTo(holderB);

    first.close(); // Cleanup.ALWAYS, but it lost the environment
    assertThat(ns(second)).isNotNull();
    assertThat(lease(second.namespace()).getSpec().getHolderIdentity()).isEqualTo(holderB);

    second.close();
    assertThat(client.namespaces().withName(second.namespace()).get()).isNull();
  }

  @Test
  void waitingOwnerTakesTheEnvironmentOnceTheHolderReleasesIt() throws Exception {
    Preview first = owner("run-a").withCleanup(Cleanup.NEVER).up(plan("feature/queued"));
    CompletableFuture<Preview> second =
        CompletableFuture.supplyAsync(
            () ->
                owner("run-b")
                    .withOnConflict(OnConflict.waitAtMost(Duration.ofSeconds(30)))
                    .up(plan("feature/queued")));
    assertThat(second).isNotDone();
    first.close(); // kept: the lease is released, so the waiting owner may have it
    try (Preview p = second.get(30, TimeUnit.SECONDS)) {
      assertThat(lease(p.namespace()).getSpec().getHolderIdentity())
          .isEqualTo(owner("run-b").holderIdentity());
    }
  }

  @Test
  void waitIsBoundedAndSaysForWhom() {
    try (Preview first = owner("run-a").up(plan("feature/busy"))) {
      assertThatThrownBy(
              () ->
                  owner("run-b")
                      .withOnConflict(OnConflict.waitAtMost(Duration.ofMillis(300)))
                      .up(plan("feature/busy")))
          .isInstanceOf(OwnerConflictException.class)
          .hasMessageContaining(owner("run-a").holderIdentity())
          .hasMessageContaining("waited PT0.3S");
      assertThat(ns(first)).isNotNull();
    }
  }

  @Test
  void anOwnerWhoseLeaseLapsedIsNoLongerLiveAndTheNextRunConvergesInPlace() {
    Preview first = owner("run-a").up(plan("feature/lapsed"));
    String ns = first.namespace();
    expireLeaseOf(first);

    try (Preview second = owner("run-b").up(plan("feature/lapsed"))) {
      assertThat(second.namespace()).isEqualTo(ns);
      assertThat(ns(second).getMetadata().getAnnotations())
          .containsEntry(Keys.HOLDER, owner("run-b").holderIdentity());
      first.close(); // the lapsed owner comes back: it lost the environment and leaves it alone
      assertThat(ns(second)).isNotNull();
    }
  }

  @Test
  void janitorNeverDeletesAnEnvironmentWhoseLeaseIsLiveUntilTheMaximumAge() {
    try (Preview p = owner("run-a").withTtl(Duration.ofSeconds(1)).up(plan("feature/long"))) {
      Instant pastExpiry = Instant.now().plusSeconds(2); // expired, but the lease (30 s) is live
      JanitorReport report = owner("gc").janitor().withDryRun(true).gc(pastExpiry);
      assertThat(report.removals()).isEmpty();
      assertThat(report.kept()).extracting(EnvironmentInfo::namespace).contains(p.namespace());

      JanitorReport tooOld = owner("gc").janitor().withMaxAge(Duration.ofSeconds(1)).gc(pastExpiry);
      assertThat(tooOld.removals())
          .singleElement()
          .satisfies(r -> assertThat(r.reason()).contains("older than the maximum age of PT1S"));
    }
  }

  /** Simulates an owner that stopped renewing: its lease's renewal lies in the past. */
  private void expireLeaseOf(Preview p) {
    Lease l = lease(p.namespace());
    ZonedDateTime past = ZonedDateTime.now(ZoneOffset.UTC).minusMinutes(5);
    l.getSpec().setRenewTime(past);
    l.getSpec().setAcquireTime(past);
    client.resource(l).update();
    client
        .namespaces()
        .withName(p.namespace())
        .edit(
            n -> {
              n.getMetadata().getAnnotations().remove(Keys.HEARTBEAT_SINCE);
              return n;
            });
  }
}
