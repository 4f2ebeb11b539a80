package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioning lifecycle on a real cluster: what the in-process test server cannot show
 * (server-side apply, field managers, the namespace controller's Terminating phase, real pods).
 */
@RealCluster
class ProvisionerIT {
  /** An image the cluster's kubelet has locally; the toolkit cluster of shared/kube makes this. */
  static final String IMAGE = System.getProperty("previewenv.it.image", "previewenv/busybox:1");

  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String SOURCE_NS = "previewenv-it-src-" + RUN;

  @BeforeAll
  static void sourceSecrets(KubernetesClient client) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(SOURCE_NS).endMetadata().build())
        .create();
    client
        .secrets()
        .inNamespace(SOURCE_NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registry-credentials")
                .endMetadata()
                .withType("Opaque")
                .addToStringData("token", "it-canary-value")
                .build())
        .create();
  }

  @AfterAll
  static void removeSource(KubernetesClient client) {
    client.namespaces().withName(SOURCE_NS).delete();
  }

  private static Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("it-" + RUN)
        .withApplyStrategy(ApplyStrategy.SERVER_SIDE)
        .withReadinessTimeout(Duration.ofSeconds(90))
        .withWaitTimeout(Duration.ofSeconds(120));
  }

  private static String stack(String configValue, boolean withExtra) {
    String yaml =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: settings}
        data: {greeting: %s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
              - name: web
                image: %s
                imagePullPolicy: Never
                command: [sh, -c, "mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www"]
                readinessProbe:
                  tcpSocket: {port: 8080}
                  periodSeconds: 1
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules:
          - host: web.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: web, port: {number: 80}}}
        """
            .formatted(configValue, IMAGE);
    if (withExtra) {
      yaml +=
          """
          ---
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: extra}
          data: {k: v}
          """;
    }
    return yaml;
  }

  private static String httpGet(URI uri) {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Plan plan(EnvironmentName env, String yaml) {
    return Plan.builder(env).source(ManifestSource.yaml("it-stack.yaml", yaml)).build();
  }

  @Test
  void provisionsConvergesPrunesAndTearsDownOnARealCluster(KubernetesClient client) {
    EnvironmentName env = EnvironmentName.forBranch("it/lifecycle-" + RUN);
    Provisioner provisioner =
        provisioner(client).withSecrets(SecretSpec.copy(SOURCE_NS, "registry-credentials"));
    String ns = env.value();
    try {
      Preview preview =
          provisioner.withAccess(Access.PORT_FORWARD).up(plan(env, stack("hello", true)));
      assertThat(preview.namespace()).isEqualTo(ns);

      // no ingress controller or DNS here: reach the service through the API server
      URI web = preview.url("web");
      assertThat(web.getHost()).isEqualTo("127.0.0.1");
      assertThat(httpGet(web)).contains("hello-from-web");

      Namespace namespace = client.namespaces().withName(ns).get();
      assertThat(namespace.getMetadata().getLabels())
          .containsEntry("app.kubernetes.io/managed-by", "previewenv")
          .containsEntry("previewenv.dev/environment", ns);
      Map<String, String> annotations = namespace.getMetadata().getAnnotations();
      assertThat(annotations)
          .containsEntry("previewenv.dev/branch", "it/lifecycle-" + RUN)
          .containsEntry("previewenv.dev/owner", "it-" + RUN)
          .containsKeys("previewenv.dev/created-at", "previewenv.dev/expires-at");
      assertThat(Instant.parse(annotations.get("previewenv.dev/expires-at")))
          .isAfter(Instant.parse(annotations.get("previewenv.dev/created-at")));

      Secret copied = client.secrets().inNamespace(ns).withName("registry-credentials").get();
      assertThat(copied.getType()).isEqualTo("Opaque");
      assertThat(copied.getData()).containsKey("token");
      assertThat(copied.getMetadata().getAnnotations())
          .containsEntry("previewenv.dev/copied-from", SOURCE_NS + "/registry-credentials");

      // server-side apply: our field manager owns the fields it set
      ConfigMap settings = client.configMaps().inNamespace(ns).withName("settings").get();
      assertThat(settings.getData()).containsEntry("greeting", "hello");
      assertThat(settings.getMetadata().getManagedFields())
          .anySatisfy(
              f -> {
                assertThat(f.getManager()).isEqualTo("previewenv");
                assertThat(f.getOperation()).isEqualTo("Apply");
              });
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .withName("web")
                  .get()
                  .getStatus()
                  .getAvailableReplicas())
          .isEqualTo(1);
      assertThat(
              client
                  .network()
                  .v1()
                  .ingresses()
                  .inNamespace(ns)
                  .withName("web")
                  .get()
                  .getSpec()
                  .getRules()
                  .get(0)
                  .getHost())
          .isEqualTo(ns + ".web.example.com");

      // another field manager takes the field; re-up forces it back (force on conflict)
      client
          .configMaps()
          .inNamespace(ns)
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("settings")
                  .withNamespace(ns)
                  .endMetadata()
                  .addToData("greeting", "theirs")
                  .build())
          .fieldManager("someone-else")
          .forceConflicts()
          .serverSideApply();
      String uidBefore =
          client.configMaps().inNamespace(ns).withName("settings").get().getMetadata().getUid();

      // a second handle that keeps the namespace; the first one deletes it below
      Preview again = provisioner.withCleanup(Cleanup.NEVER).up(plan(env, stack("changed", false)));

      ConfigMap after = client.configMaps().inNamespace(ns).withName("settings").get();
      assertThat(after.getData()).containsEntry("greeting", "changed");
      assertThat(after.getMetadata().getUid()).isEqualTo(uidBefore);
      assertThat(client.configMaps().inNamespace(ns).withName("extra").get())
          .as("object that left the plan is pruned")
          .isNull();
      assertThat(client.apps().deployments().inNamespace(ns).list().getItems()).hasSize(1);

      again.close();
      assertThat(client.namespaces().withName(ns).get()).as("kept by NEVER").isNotNull();
      preview.close();
      assertThat(client.namespaces().withName(ns).get()).as("namespace gone after close").isNull();
    } finally {
      client.namespaces().withName(ns).delete();
    }
  }

  @Test
  void failsFastWithTheRealReasonWhenAnImageCannotBeHad(KubernetesClient client) {
    EnvironmentName env = EnvironmentName.forBranch("it/missing-image-" + RUN);
    String yaml =
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: broken}
        spec:
          replicas: 1
          selector: {matchLabels: {app: broken}}
          template:
            metadata: {labels: {app: broken}}
            spec:
              containers:
              - {name: app, image: previewenv/does-not-exist:1, imagePullPolicy: Never}
        """;
    long start = System.nanoTime();
    try {
      assertThatThrownBy(
              () ->
                  provisioner(client)
                      .withReadinessTimeout(Duration.ofMinutes(3))
                      .withCleanup(Cleanup.NEVER)
                      .up(plan(env, yaml)))
          .isInstanceOf(NotReadyException.class)
          .hasMessageContaining("broken")
          .hasMessageContaining("ErrImageNeverPull")
          .hasMessageContaining("previewenv/does-not-exist:1");
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start))
          .as("fails fast, long before the 3 minute readiness timeout")
          .isLessThan(120);
    } finally {
      provisioner(client).down(env);
    }
  }

  @Test
  void teardownWaitsThroughTheRealTerminatingPhaseAndReportsAStuckFinalizer(
      KubernetesClient client) {
    EnvironmentName env = EnvironmentName.forBranch("it/stuck-" + RUN);
    String yaml =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: held
          finalizers: [example.com/stuck]
        data: {k: v}
        """;
    Provisioner provisioner = provisioner(client).withWaitTimeout(Duration.ofSeconds(15));
    provisioner.up(plan(env, yaml));
    try {
      assertThatThrownBy(() -> provisioner.down(env))
          .isInstanceOf(PreviewEnvException.class)
          .hasMessageContaining(env.value())
          .hasMessageContaining("example.com/stuck")
          .hasMessageContaining("NamespaceFinalizersRemaining");
      assertThat(client.namespaces().withName(env.value()).get().getStatus().getPhase())
          .isEqualTo("Terminating");
    } finally {
      client
          .configMaps()
          .inNamespace(env.value())
          .withName("held")
          .edit(
              cm -> {
                cm.getMetadata().setFinalizers(List.of());
                return cm;
              });
    }
    provisioner.withWaitTimeout(Duration.ofSeconds(60)).down(env);
    assertThat(client.namespaces().withName(env.value()).get()).isNull();
  }

  @Test
  void janitorRemovesExpiredEnvironmentsAndLeavesOthers(KubernetesClient client) {
    EnvironmentName expired = EnvironmentName.forBranch("it/expired-" + RUN);
    EnvironmentName fresh = EnvironmentName.forBranch("it/fresh-" + RUN);
    String foreign = "previewenv-it-foreign-" + RUN;
    String yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {k: v}\n";
    Provisioner provisioner = provisioner(client).withoutReadinessWait().withCleanup(Cleanup.NEVER);
    try {
      // kept environments (cleanup NEVER) count by their expiry alone; their owner lease is
      // released
      provisioner.withTtl(Duration.ofSeconds(1)).up(plan(expired, yaml)).close();
      provisioner.withTtl(Duration.ofHours(1)).up(plan(fresh, yaml)).close();
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(foreign)
                  .addToLabels("app.kubernetes.io/managed-by", "someone-else")
                  .endMetadata()
                  .build())
          .create();

      // Past the 1 s TTL, but within every running owner lease (renewed every 10 s, valid 30 s):
      // a later "now" would count live environments as orphaned, this IT's fresh one and those of
      // other runs on a shared cluster alike.
      Instant later = Instant.now().plusSeconds(5);
      JanitorReport dry = provisioner.janitor().withDryRun(true).gc(later);
      assertThat(dry.removals()).extracting(r -> r.environment().name()).contains(expired.value());
      assertThat(client.namespaces().withName(expired.value()).get()).isNotNull();

      JanitorReport report = provisioner.janitor().gc(later);
      assertThat(report.deleted()).extracting(EnvironmentInfo::name).contains(expired.value());
      assertThat(report.deleted())
          .extracting(EnvironmentInfo::name)
          .doesNotContain(fresh.value(), foreign);
      Namespace gone = client.namespaces().withName(expired.value()).get();
      assertThat(gone == null || gone.getMetadata().getDeletionTimestamp() != null).isTrue();
      assertThat(client.namespaces().withName(foreign).get().getMetadata().getDeletionTimestamp())
          .isNull();
    } finally {
      client.namespaces().withName(expired.value()).delete();
      client.namespaces().withName(fresh.value()).delete();
      client.namespaces().withName(foreign).delete();
    }
  }
}
