package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class JanitorTest {
  private static final Instant NOW = Instant.parse("2030-06-01T12:00:00Z");

  KubernetesClient client;

  @BeforeEach
  void environments() {
    managed("expired", "feature/old", "2030-06-01T11:00:00Z");
    managed("fresh", "feature/new", "2030-06-01T16:00:00Z");
    managed("merged", "feature/merged", "2030-06-01T16:00:00Z");
    managed("garbled", "feature/garbled", "next tuesday");
    namespace(
        "foreign-expired", Map.of("app.kubernetes.io/managed-by", "helm"), "2000-01-01T00:00:00Z");
    namespace("unlabelled-expired", Map.of(), "2000-01-01T00:00:00Z");
  }

  private void managed(String name, String branch, String expires) {
    Map<String, String> labels = new HashMap<>(Keys.labels(name));
    namespace(name, labels, expires);
    client
        .namespaces()
        .withName(name)
        .edit(
            n -> {
              n.getMetadata().getAnnotations().put("previewenv.dev/branch", branch);
              n.getMetadata().getAnnotations().put("previewenv.dev/owner", "ci-7");
              return n;
            });
  }

  private void namespace(String name, Map<String, String> labels, String expires) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .addToAnnotations("previewenv.dev/expires-at", expires)
                .endMetadata()
                .build())
        .create();
  }

  private boolean exists(String ns) {
    return client.namespaces().withName(ns).get() != null;
  }

  @Test
  void deletesExpiredOnlyAndNeverTouchesForeignNamespaces() {
    JanitorReport report = Provisioner.forClient(client).janitor().gc(NOW);

    assertThat(report.dryRun()).isFalse();
    assertThat(report.deleted()).extracting(EnvironmentInfo::name).containsExactly("expired");
    assertThat(report.removals().get(0).reason()).isEqualTo("expired at 2030-06-01T11:00:00Z");
    assertThat(exists("expired")).isFalse();
    assertThat(exists("fresh")).isTrue();
    assertThat(exists("merged")).isTrue();
    assertThat(exists("garbled")).isTrue();
    assertThat(exists("foreign-expired")).isTrue();
    assertThat(exists("unlabelled-expired")).isTrue();
    assertThat(report.kept())
        .extracting(EnvironmentInfo::name)
        .containsExactlyInAnyOrder("fresh", "merged", "garbled");
    assertThat(report.problems())
        .singleElement()
        .asString()
        .contains("garbled")
        .contains("next tuesday");
  }

  @Test
  void dryRunReportsWithoutDeleting() {
    JanitorReport report = Provisioner.forClient(client).janitor().withDryRun(true).gc(NOW);

    assertThat(report.dryRun()).isTrue();
    assertThat(report.removals())
        .extracting(r -> r.environment().name())
        .containsExactly("expired");
    assertThat(report.removals()).noneMatch(JanitorReport.Removal::deleted);
    assertThat(report.deleted()).isEmpty();
    assertThat(exists("expired")).isTrue();
  }

  @Test
  void predicateSelectsEnvironmentsWhoseBranchIsGone() {
    Set<String> openBranches = Set.of("feature/new", "feature/garbled");

    JanitorReport report =
        Provisioner.forClient(client)
            .janitor()
            .withKeep(info -> openBranches.contains(info.branch().orElse("")))
            .gc(NOW);

    assertThat(report.deleted())
        .extracting(EnvironmentInfo::name)
        .containsExactlyInAnyOrder("expired", "merged");
    EnvironmentInfo merged =
        report.deleted().stream().filter(i -> i.name().equals("merged")).findFirst().orElseThrow();
    assertThat(merged.owner()).contains("ci-7");
    assertThat(merged.expiresAt()).contains(Instant.parse("2030-06-01T16:00:00Z"));
    assertThat(exists("merged")).isFalse();
    assertThat(exists("fresh")).isTrue();
    assertThat(exists("garbled")).isTrue();
    assertThat(exists("foreign-expired")).isTrue();
  }
}
