package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.ImageOverride;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageTransformTest {
  private static ImageTransform transform(boolean strict, String... overrides) {
    return new ImageTransform(
        List.of(overrides).stream().map(ImageOverride::parse).toList(), strict);
  }

  @Test
  void rewritesDeploymentImagesAndKeepsTheType() {
    Deployment d = deployment("api", "api:1");
    Outcome out = transform(false, "api=reg.example.com/api:2").apply(List.of(d));
    assertThat(out.objects().get(0)).isInstanceOf(Deployment.class);
    Deployment result = (Deployment) out.objects().get(0);
    assertThat(result.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("reg.example.com/api:2");
    assertThat(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("api:1");
    assertThat(out.warnings()).isEmpty();
  }

  @Test
  void rewritesEphemeralContainersUnlikeKustomize() {
    Pod pod =
        fromYaml(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            spec:
              containers: [{name: a, image: "api:1"}]
              initContainers: [{name: i, image: "api:1"}]
              ephemeralContainers: [{name: e, image: "api:1"}]
            """);
    Pod result = (Pod) transform(false, "api:2").apply(List.of(pod)).objects().get(0);
    assertThat(result.getSpec().getContainers().get(0).getImage()).isEqualTo("api:2");
    assertThat(result.getSpec().getInitContainers().get(0).getImage()).isEqualTo("api:2");
    assertThat(result.getSpec().getEphemeralContainers().get(0).getImage()).isEqualTo("api:2");
  }

  @Test
  @SuppressWarnings("unchecked")
  void rewritesCustomResourcesWalkingTheWholeTree() {
    GenericKubernetesResource cr = custom("example.com/v1", "Workflow", "wf");
    cr.setAdditionalProperty(
        "spec",
        Map.of(
            "steps",
            List.of(Map.of("template", Map.of("containers", List.of(Map.of("image", "api:1"))))),
            "image",
            "api:1"));
    HasMetadata result = transform(true, "api:2").apply(List.of(cr)).objects().get(0);
    assertThat(result).isInstanceOf(GenericKubernetesResource.class);
    Map<String, Object> spec = (Map<String, Object>) tree(result).get("spec");
    assertThat(spec.get("image")).as("an image outside a container list").isEqualTo("api:1");
    assertThat(spec.get("steps").toString()).contains("image=api:2");
  }

  @Test
  void appliesSeveralOverridesAndLeavesUnmatchedObjectsAsTheyAre() {
    HasMetadata cm = configMap("c");
    Outcome out =
        transform(false, "api:2", "web:3")
            .apply(List.of(deployment("api", "api:1"), deployment("web", "web:1"), cm));
    assertThat(out.objects())
        .filteredOn(o -> o instanceof Deployment)
        .extracting(
            o ->
                ((Deployment) o)
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .getImage())
        .containsExactly("api:2", "web:3");
    assertThat(out.objects().get(2)).isSameAs(cm);
  }

  @Test
  void warnsAboutAnOverrideThatMatchesNothing() {
    Outcome out = transform(false, "api:2", "apii:2").apply(List.of(deployment("api", "api:1")));
    assertThat(out.problems()).isEmpty();
    assertThat(out.warnings())
        .singleElement()
        .asString()
        .contains("apii:2", "matches no container");
  }

  @Test
  void refusesAnOverrideThatMatchesNothingWhenStrict() {
    Outcome out = transform(true, "apii:2").apply(List.of(deployment("api", "api:1")));
    assertThat(out.warnings()).isEmpty();
    assertThat(out.problems()).singleElement().asString().contains("\"apii:2\"");
  }

  @Test
  void suggestsTheImageWithTheSameLastSegmentAndTypos() {
    List<HasMetadata> objects =
        List.of(
            deployment("catalog", "previewenv-examples/catalog:local"),
            deployment("orders", "previewenv-examples/orders:local"),
            deployment("db", "postgres:16"));
    assertThat(transform(true, "catalog=x/catalog:2").apply(objects).problems())
        .singleElement()
        .asString()
        .contains("closest image names: previewenv-examples/catalog.")
        .contains("e.g. previewenv-examples/catalog=x/catalog:2");
    assertThat(transform(true, "postgress:17").apply(objects).problems())
        .singleElement()
        .asString()
        .contains("closest image names: postgres.");
    assertThat(transform(true, "redis:7").apply(objects).problems())
        .singleElement()
        .asString()
        .contains(
            "the images there are postgres, previewenv-examples/catalog,"
                + " previewenv-examples/orders.");
  }
}
