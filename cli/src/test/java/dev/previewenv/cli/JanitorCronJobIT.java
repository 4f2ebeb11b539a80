package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The shipped janitor on a real cluster: its RBAC and CronJob installed as shipped (image
 * substituted), one run started as a Job from the CronJob's template (as {@code kubectl create job
 * --from=cronjob/...} does), and it removes an expired and an orphaned environment and nothing else
 * (a live environment and an unmanaged namespace stay).
 */
@RealCluster
class JanitorCronJobIT {
  private static final Duration POLL = Duration.ofMillis(10);

  static final String JANITOR_IMAGE = System.getProperty("previewenv.janitor.image", "");
  static final String SYSTEM_NS = "previewenv-system";
  static final String PAST = "2000-01-01T00:00:00Z";

  @Test
  void cronJobRunRemovesExpiredAndOrphanedEnvironmentsAndNothingElse(KubernetesClient client)
      throws Exception {
    assumeTrue(
        !JANITOR_IMAGE.isBlank() && !JANITOR_IMAGE.startsWith("${"),
        "no janitor image: build with PREVIEWENV_BASE_IMAGE set (profile docker-images)");
    String id = UUID.randomUUID().toString().substring(0, 6);
    EnvironmentName expired = EnvironmentName.forBranch("it/janitor-expired-" + id);
    EnvironmentName orphaned = EnvironmentName.forBranch("it/janitor-orphaned-" + id);
    EnvironmentName live = EnvironmentName.forBranch("it/janitor-live-" + id);
    String unmanaged = "it-janitor-unmanaged-" + id;
    List<HasMetadata> installed = new ArrayList<>();
    try {
      Provisioner provisioner =
          Provisioner.forClient(client).withCleanup(Cleanup.NEVER).withoutReadinessWait();
      for (EnvironmentName env : List.of(expired, orphaned, live)) {
        provisioner.up(plan(env)).close(); // kept; lease released, only the expiry counts
      }
      // the expiry in the past; re-applied should a late write of the closed owner revert it
      await("environment " + expired.value() + " expired and without a holder")
          .atMost(Duration.ofSeconds(40))
          .pollInterval(POLL)
          .until(
              () -> {
                Namespace ns = client.namespaces().withName(expired.value()).get();
                Map<String, String> a = ns.getMetadata().getAnnotations();
                if (!PAST.equals(a.get("previewenv.dev/expires-at"))) {
                  client
                      .namespaces()
                      .withName(expired.value())
                      .edit(
                          n -> {
                            n.getMetadata().getAnnotations().put("previewenv.dev/expires-at", PAST);
                            return n;
                          });
                  return null;
                }
                return ns;
              },
              ns ->
                  ns != null
                      && !ns.getMetadata().getAnnotations().containsKey("previewenv.dev/holder"));
      // an owner that died: its lease was last renewed an hour ago
      client
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName("previewenv-owner")
                  .withNamespace(orphaned.value())
                  .addToLabels("app.kubernetes.io/managed-by", "previewenv")
                  .addToLabels("previewenv.dev/environment", orphaned.value())
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity("dead-ci-run")
                  .withLeaseDurationSeconds(30)
                  .withRenewTime(ZonedDateTime.now().minusHours(1).truncatedTo(ChronoUnit.SECONDS))
                  .endSpec()
                  .build())
          .create();
      client
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(unmanaged).endMetadata().build())
          .create();

      // install as shipped: RBAC, then the CronJob for this server's version
      boolean old =
          Integer.parseInt(client.getKubernetesVersion().getMinor().replaceAll("\\D", "")) < 21;
      String cronJobFile = old ? "janitor-cronjob-k8s-1.20.yaml" : "janitor-cronjob.yaml";
      for (String file : List.of("janitor-rbac.yaml", cronJobFile)) {
        String yaml =
            resource(file)
                .replace(
                    "image: previewenv-janitor",
                    "image: " + JANITOR_IMAGE + "\n              imagePullPolicy: Never");
        for (HasMetadata o :
            client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items()) {
          installed.add(client.resource(o).forceConflicts().serverSideApply());
        }
      }
      for (EnvironmentName env : List.of(expired, orphaned)) {
        System.out.println(
            "Before the janitor run: "
                + env.value()
                + " "
                + client.namespaces().withName(env.value()).get().getMetadata().getAnnotations());
      }
      JobSpec template = jobTemplate(client, old);
      Job job =
          client
              .resource(
                  new JobBuilder()
                      .withNewMetadata()
                      .withName("previewenv-janitor-now-" + id)
                      .withNamespace(SYSTEM_NS)
                      .endMetadata()
                      .withSpec(template)
                      .build())
              .create();
      Job done =
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(SYSTEM_NS)
              .withName(job.getMetadata().getName())
              .waitUntilCondition(
                  j ->
                      j != null
                          && j.getStatus() != null
                          && ((j.getStatus().getSucceeded() != null
                                  && j.getStatus().getSucceeded() > 0)
                              || (j.getStatus().getFailed() != null
                                  && j.getStatus().getFailed() > 1)),
                  3,
                  TimeUnit.MINUTES);
      String log = jobLog(client, job.getMetadata().getName());
      System.out.println("Janitor job log:\n" + log);
      assertThat(done.getStatus().getSucceeded()).as(log).isEqualTo(1);
      assertThat(log)
          .contains("Deleted " + expired.value())
          .contains("Deleted " + orphaned.value());

      assertThat(goneOrTerminating(client, expired.value())).isTrue();
      assertThat(goneOrTerminating(client, orphaned.value())).isTrue();
      assertThat(goneOrTerminating(client, live.value())).isFalse();
      assertThat(goneOrTerminating(client, unmanaged)).isFalse();
    } finally {
      for (String ns : List.of(expired.value(), orphaned.value(), live.value(), unmanaged)) {
        client.namespaces().withName(ns).delete();
      }
      for (HasMetadata o : installed) {
        if (!(o instanceof Namespace)) {
          client.resource(o).delete();
        }
      }
      client.namespaces().withName(SYSTEM_NS).delete();
    }
  }

  private static Plan plan(EnvironmentName env) {
    return Plan.builder(env)
        .source(
            ManifestSource.objects(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withName("app")
                    .endMetadata()
                    .addToData("k", "v")
                    .build()))
        .build();
  }

  private static JobSpec jobTemplate(KubernetesClient client, boolean old) {
    KubernetesSerialization json = new KubernetesSerialization();
    Object spec =
        old
            ? client
                .batch()
                .v1beta1()
                .cronjobs()
                .inNamespace(SYSTEM_NS)
                .withName("previewenv-janitor")
                .get()
                .getSpec()
                .getJobTemplate()
                .getSpec()
            : client
                .batch()
                .v1()
                .cronjobs()
                .inNamespace(SYSTEM_NS)
                .withName("previewenv-janitor")
                .get()
                .getSpec()
                .getJobTemplate()
                .getSpec();
    return json.unmarshal(json.asJson(spec), JobSpec.class);
  }

  private static String jobLog(KubernetesClient client, String job) {
    StringBuilder sb = new StringBuilder();
    for (Pod p :
        client.pods().inNamespace(SYSTEM_NS).withLabel("job-name", job).list().getItems()) {
      sb.append(client.pods().inNamespace(SYSTEM_NS).withName(p.getMetadata().getName()).getLog());
    }
    return sb.toString();
  }

  private static boolean goneOrTerminating(KubernetesClient client, String ns) {
    Namespace n = client.namespaces().withName(ns).get();
    return n == null || n.getMetadata().getDeletionTimestamp() != null;
  }

  private static String resource(String file) throws Exception {
    try (InputStream in =
        JanitorCronJobIT.class.getResourceAsStream("/dev/previewenv/janitor/" + file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
