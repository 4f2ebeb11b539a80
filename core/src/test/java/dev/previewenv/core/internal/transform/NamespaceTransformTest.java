package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespaceTransformTest {
  private final NamespaceTransform strict = new NamespaceTransform("pr-1", Set.of(), false, false);

  @Test
  void placesNamespacedObjectsWithoutChangingTheInput() {
    HasMetadata d = deployment("api", "api:1");
    String before = yaml(d);
    List<HasMetadata> input = List.of(d, service("api"));

    Outcome out = strict.apply(input);

    assertThat(out.problems()).isEmpty();
    assertThat(out.objects()).extracting(o -> o.getMetadata().getNamespace()).containsOnly("pr-1");
    assertThat(yaml(d)).isEqualTo(before);
    assertThat(d.getMetadata().getNamespace()).isNull();
  }

  @Test
  void refusesAllClusterScopedObjectsInOneProblem() {
    Outcome out =
        strict.apply(
            List.of(
                namespace("x"),
                clusterRole("reader"),
                custom("apiextensions.k8s.io/v1", "CustomResourceDefinition", "things.example.com"),
                custom("scheduling.k8s.io/v1", "PriorityClass", "high"),
                configMap("ok")));

    assertThat(out.problems()).hasSize(1);
    assertThat(out.problems().get(0))
        .contains(
            "Namespace/x",
            "ClusterRole/reader",
            "CustomResourceDefinition/things.example.com",
            "PriorityClass/high",
            "pr-1")
        .doesNotContain("ConfigMap");
  }

  @Test
  void leavesClusterScopedObjectsUntouchedWhenAllowed() {
    HasMetadata role = clusterRole("reader");
    Outcome out = new NamespaceTransform("pr-1", Set.of(), true, false).apply(List.of(role));
    assertThat(out.problems()).isEmpty();
    assertThat(out.objects().get(0)).isSameAs(role);
    assertThat(role.getMetadata().getNamespace()).isNull();
  }

  @Test
  void refusesDeclaredClusterScopedCustomKinds() {
    NamespaceTransform t = new NamespaceTransform("pr-1", Set.of("ClusterPolicy"), false, false);
    Outcome out =
        t.apply(
            List.of(
                custom("kyverno.io/v1", "ClusterPolicy", "p"),
                custom("kyverno.io/v1", "Policy", "q")));
    assertThat(out.problems()).singleElement().asString().contains("ClusterPolicy/p");
    assertThat(out.objects().get(1).getMetadata().getNamespace()).isEqualTo("pr-1");
  }

  @Test
  void refusesObjectsNamingAnotherNamespaceListingThemAll() {
    HasMetadata a = configMap("a");
    a.getMetadata().setNamespace("prod");
    HasMetadata b = configMap("b");
    b.getMetadata().setNamespace("staging");
    HasMetadata c = configMap("c");
    c.getMetadata().setNamespace("pr-1");

    Outcome out = strict.apply(List.of(a, b, c));

    assertThat(out.problems())
        .singleElement()
        .asString()
        .contains("ConfigMap/prod/a", "ConfigMap/staging/b", "\"pr-1\"")
        .doesNotContain("ConfigMap/pr-1/c");
  }

  @Test
  void movesObjectsNamingAnotherNamespaceWhenOverriding() {
    HasMetadata a = configMap("a");
    a.getMetadata().setNamespace("prod");
    Outcome out = new NamespaceTransform("pr-1", Set.of(), false, true).apply(List.of(a));
    assertThat(out.problems()).isEmpty();
    assertThat(out.objects().get(0).getMetadata().getNamespace()).isEqualTo("pr-1");
    assertThat(a.getMetadata().getNamespace()).isEqualTo("prod");
  }
}
