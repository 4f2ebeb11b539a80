package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpecBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Least privilege, proven on a real cluster: the whole lifecycle runs as a ServiceAccount bound
 * only by the shipped {@code previewenv-rbac.yaml} (names made unique per run: the cluster is
 * shared): preflight, {@code up} with a copied secret and a quota, readiness, port-forward access,
 * an E2E Job, diagnostics of a failing workload, {@code down}, the janitor. Then single rules are
 * removed and the step that needs each fails with a 403 naming the rule.
 */
@RealCluster
class RbacLifecycleIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
  private static final String SA_NS = "previewenv-rbac-" + RUN;
  private static final String SRC_NS = "previewenv-rbac-src-" + RUN;
  private static final String CLUSTER_ROLE = "previewenv-" + RUN;
  private static final String ENV_ROLE = "previewenv-environment-" + RUN;
  private static final String IMAGE = ProvisionerIT.IMAGE;
  private static final List<String> created = new ArrayList<>();

  @TempDir static Path tmp;

  @BeforeAll
  static void installShippedRbac(KubernetesClient admin) throws IOException {
    for (String ns : List.of(SA_NS, SRC_NS)) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
    }
    admin
        .serviceAccounts()
        .inNamespace(SA_NS)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("previewenv")
                .endMetadata()
                .build())
        .create();
    admin
        .secrets()
        .inNamespace(SRC_NS)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("registry")
                .endMetadata()
                .addToStringData("token", "rbac-it-token-" + RUN)
                .build())
        .create();
    for (HasMetadata o : shippedRbac(admin)) {
      admin.resource(o).create();
    }
  }

  /** The shipped file with this run's names: cluster-scoped names and the namespaces. */
  static List<HasMetadata> shippedRbac(KubernetesClient admin) throws IOException {
    String yaml;
    try (InputStream in =
        RbacLifecycleIT.class.getResourceAsStream("/dev/previewenv/rbac/previewenv-rbac.yaml")) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    yaml =
        yaml.replace("previewenv-environment", "ENVROLE")
            .replace("name: previewenv\n", "name: CLUSTERROLE\n")
            .replace("ENVROLE", ENV_ROLE)
            .replace("CLUSTERROLE", CLUSTER_ROLE)
            .replace("namespace: ci\n", "namespace: " + SA_NS + "\n")
            .replace("namespace: shared\n", "namespace: " + SRC_NS + "\n");
    // the ServiceAccount keeps its shipped name
    yaml =
        yaml.replace(
            "    name: " + CLUSTER_ROLE + "\n    namespace: " + SA_NS,
            "    name: previewenv\n    namespace: " + SA_NS);
    List<HasMetadata> objects =
        admin.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly(
            "ClusterRole/" + CLUSTER_ROLE,
            "ClusterRoleBinding/" + CLUSTER_ROLE,
            "ClusterRole/" + ENV_ROLE,
            "Role/previewenv-secret-source",
            "RoleBinding/previewenv-secret-source");
    return objects;
  }

  @AfterAll
  static void removeAll(KubernetesClient admin) {
    for (String ns : created) {
      admin.namespaces().withName(ns).delete();
    }
    admin.namespaces().withName(SA_NS).delete();
    admin.namespaces().withName(SRC_NS).delete();
    admin.rbac().clusterRoleBindings().withName(CLUSTER_ROLE).delete();
    admin.rbac().clusterRoles().withName(CLUSTER_ROLE).delete();
    admin.rbac().clusterRoles().withName(ENV_ROLE).delete();
  }

  private static KubernetesClient serviceAccountClient(KubernetesClient admin) {
    String token =
        admin
            .serviceAccounts()
            .inNamespace(SA_NS)
            .withName("previewenv")
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build())
            .getStatus()
            .getToken();
    Config base =
        Config.fromKubeconfig((File) RealCluster.Extension.kubeconfig().orElseThrow().toFile());
    Config config =
        new ConfigBuilder(base)
            .withOauthToken(token)
            .withClientCertData(null)
            .withClientCertFile(null)
            .withClientKeyData(null)
            .withClientKeyFile(null)
            .withUsername(null)
            .withPassword(null)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  private static Provisioner provisioner(KubernetesClient sa) {
    return Provisioner.forClient(sa)
        .withOwner("rbac-it-" + RUN)
        .withEnvironmentRole(ENV_ROLE, SA_NS, "previewenv")
        .withSecrets(SecretSpec.copy(SRC_NS, "registry"))
        .withQuota(new ResourceQuotaSpecBuilder().addToHard("pods", new Quantity("10")).build())
        .withAccess(Access.PORT_FORWARD)
        .withApplyStrategy(ApplyStrategy.SERVER_SIDE)
        .withReadinessTimeout(Duration.ofSeconds(90))
        .withWaitTimeout(Duration.ofSeconds(90))
        .withDiagnosticsRoot(tmp);
  }

  private static Plan plan(String branch, String image) {
    String yaml =
        """
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
                command: [sh, -c, "mkdir -p /www && echo hello-rbac > /www/index.html && exec httpd -f -p 8080 -h /www"]
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
        """
            .formatted(image);
    Plan plan =
        Plan.builder(EnvironmentName.forBranch(branch))
            .source(ManifestSource.yaml("rbac-it.yaml", yaml))
            .build();
    created.add(plan.namespace());
    return plan;
  }

  private static void step(List<String> steps, String name, Runnable r) {
    long start = System.nanoTime();
    r.run();
    String line =
        "RBAC-IT step "
            + (steps.size() + 1)
            + " "
            + name
            + " ok "
            + (System.nanoTime() - start) / 1_000_000
            + " ms";
    steps.add(line);
    System.out.println(line);
  }

  @Test
  void wholeLifecycleRunsAsAServiceAccountBoundOnlyByTheShippedFiles(KubernetesClient admin) {
    List<String> steps = new ArrayList<>();
    try (KubernetesClient sa = serviceAccountClient(admin)) {
      Provisioner provisioner = provisioner(sa);
      Plan plan = plan("rbac/lifecycle-" + RUN, IMAGE);
      step(
          steps,
          "preflight (provisioning, readiness, diagnostics, port-forward, secret copy, E2E Job,"
              + " janitor)",
          () -> {
            PreflightReport report = provisioner.preflight(plan, true);
            assertThat(report.missing()).as(report.describe()).isEmpty();
          });
      Preview[] preview = new Preview[1];
      step(
          steps,
          "up with a copied secret and a quota, readiness",
          () -> {
            preview[0] = provisioner.up(plan);
            assertThat(admin.secrets().inNamespace(plan.namespace()).withName("registry").get())
                .isNotNull();
            assertThat(
                    admin
                        .resourceQuotas()
                        .inNamespace(plan.namespace())
                        .withName("previewenv")
                        .get())
                .isNotNull();
          });
      step(
          steps,
          "port-forward access",
          () -> assertThat(httpGet(preview[0].url("web"))).contains("hello-rbac"));
      step(
          steps,
          "E2E Job",
          () -> {
            E2eResult result =
                E2eJobIT.suite("<testcase classname=\"it\" name=\"ok\"/>", 1, 0, 0).run(preview[0]);
            assertThat(result.outcome()).as(result.summary()).isEqualTo(E2eResult.Outcome.PASSED);
          });
      step(
          steps,
          "down",
          () -> {
            preview[0].close();
            assertThat(admin.namespaces().withName(plan.namespace()).get()).isNull();
          });
      step(
          steps,
          "diagnostics of a failing workload",
          () -> {
            Plan failing = plan("rbac/failing-" + RUN, "previewenv/no-such-image:1");
            // kept (Cleanup.NEVER): deleting a namespace whose pod never started can take the
            // kubelet minutes here; deletion as this ServiceAccount is proven by "down"
            assertThatThrownBy(
                    () ->
                        provisioner
                            .withReadinessTimeout(Duration.ofSeconds(30))
                            .withCleanup(Cleanup.NEVER)
                            .up(failing))
                .isInstanceOf(NotReadyException.class)
                .hasMessageContaining("ErrImageNeverPull");
            Path summary = tmp.resolve(failing.namespace()).resolve("summary.md");
            String text = read(summary);
            assertThat(text).contains("ErrImageNeverPull").doesNotContain("403");
            assertThat(tmp.resolve(failing.namespace()).resolve("objects")).isNotEmptyDirectory();
          });
      step(
          steps,
          "janitor",
          () -> {
            Plan kept = plan("rbac/janitor-" + RUN, IMAGE);
            provisioner
                .withTtl(Duration.ofSeconds(1))
                .withCleanup(Cleanup.NEVER)
                .withoutReadinessWait()
                .up(kept)
                .close();
            Instant later = Instant.now().plusSeconds(2);
            Predicate<JanitorReport.Removal> mine =
                r -> r.environment().namespace().equals(kept.namespace());
            JanitorReport dry = provisioner.janitor().withDryRun(true).gc(later);
            assertThat(dry.removals()).anyMatch(mine);
            assertThat(dry.problems()).noneMatch(p -> p.contains("403"));
            if (dry.removals().stream().allMatch(mine)) {
              JanitorReport real = provisioner.janitor().gc(later);
              assertThat(real.deleted())
                  .extracting(EnvironmentInfo::namespace)
                  .containsExactly(kept.namespace());
            } else {
              // other environments on this shared cluster are due too: leave them to their owners
              provisioner.down(kept.environment());
            }
          });
    }
    System.out.println("RBAC-IT steps=" + steps.size() + " all ok");
    assertThat(steps).hasSize(7);
  }

  @Test
  void removingARuleFailsTheStepThatNeedsItWithA403NamingTheRule(KubernetesClient admin) {
    try (KubernetesClient sa = serviceAccountClient(admin)) {
      Provisioner provisioner = provisioner(sa).withoutReadinessWait();
      // the owner lease rule of the environment role
      withoutRule(
          admin,
          ENV_ROLE,
          r -> r.getResources().contains("leases"),
          () ->
              assertThatThrownBy(() -> provisioner.up(plan("rbac/no-leases-" + RUN, IMAGE)))
                  .isInstanceOf(PreviewEnvException.class)
                  .hasMessageContaining("403 Forbidden")
                  .hasMessageContaining("resources: [leases]"));
      // the application objects rule (core kinds)
      withoutRule(
          admin,
          ENV_ROLE,
          r -> r.getResources().contains("configmaps"),
          () ->
              assertThatThrownBy(() -> provisioner.up(plan("rbac/no-core-" + RUN, IMAGE)))
                  .isInstanceOf(PreviewEnvException.class)
                  .hasMessageContaining("403 Forbidden")
                  .hasMessageMatching(
                      "(?s).*resources: \\[(resourcequotas|secrets|services)\\].*"));
      // the cluster-wide rule that binds the environment role
      withoutRule(
          admin,
          CLUSTER_ROLE,
          r -> r.getResources().contains("rolebindings"),
          () ->
              assertThatThrownBy(() -> provisioner.up(plan("rbac/no-binding-" + RUN, IMAGE)))
                  .isInstanceOf(PreviewEnvException.class)
                  .hasMessageContaining("403 Forbidden")
                  .hasMessageContaining(
                      "apiGroups: [\"rbac.authorization.k8s.io\"], resources: [rolebindings],"
                          + " verbs: [create]"));
    }
  }

  private static void withoutRule(
      KubernetesClient admin, String role, Predicate<PolicyRule> rule, Runnable step) {
    ClusterRole original = admin.rbac().clusterRoles().withName(role).get();
    List<PolicyRule> rules = new ArrayList<>(original.getRules());
    assertThat(rules.removeIf(rule)).isTrue();
    admin
        .rbac()
        .clusterRoles()
        .withName(role)
        .edit(
            c -> {
              c.setRules(rules);
              return c;
            });
    try {
      step.run();
    } finally {
      admin
          .rbac()
          .clusterRoles()
          .withName(role)
          .edit(
              c -> {
                c.setRules(original.getRules());
                return c;
              });
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
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
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
