package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How YAML and JSON text becomes objects: documents, kinds, types and scalar values. */
class ManifestSourceYamlTest {

  @Test
  void readsEveryDocumentOfAFileInOrderAndSkipsEmptyOnes() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/stack.yaml")).load();

    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly("Deployment/api", "Service/api", "ConfigMap/api-config");
  }

  @Test
  void knownKindsBecomeTypedFabric8Classes() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/stack.yaml")).load();

    assertThat(objects.get(0)).isInstanceOf(Deployment.class);
    assertThat(objects.get(1)).isInstanceOf(Service.class);
    assertThat(objects.get(2)).isInstanceOf(ConfigMap.class);
    Deployment api = (Deployment) objects.get(0);
    assertThat(api.getSpec().getReplicas()).isEqualTo(2);
    assertThat(api.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com/team/api:1.0");
  }

  @Test
  void unknownKindsBecomeGenericResourcesWithAllTheirFields() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/crd-instance.yaml")).load();

    assertThat(objects).singleElement().isInstanceOf(GenericKubernetesResource.class);
    GenericKubernetesResource widget = (GenericKubernetesResource) objects.get(0);
    assertThat(widget.getApiVersion()).isEqualTo("example.com/v1alpha1");
    assertThat(widget.getKind()).isEqualTo("Widget");
    assertThat(widget.<Integer>get("spec", "size")).isEqualTo(3);
    assertThat(widget.<String>get("spec", "containers", 0, "image")).isEqualTo("busybox:1.36");
  }

  @Test
  void keepsQuotedNumbersAsStringsAndYaml11BooleansAsStrings() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/stack.yaml")).load();

    Map<String, String> annotations = objects.get(0).getMetadata().getAnnotations();
    assertThat(annotations).containsEntry("build-number", "0123").containsEntry("enabled", "on");
    ConfigMap config = (ConfigMap) objects.get(2);
    assertThat(config.getData())
        .containsEntry("FEATURE", "yes")
        .containsEntry("VERSION", "1.10")
        .containsEntry("ZIP", "01234");
  }

  @Test
  void flattensListKindsIntoTheirItems() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/list.yaml")).load();

    assertThat(objects)
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("first", "second", "third");
    assertThat(objects).allMatch(ConfigMap.class::isInstance);
  }

  @Test
  void flattensNestedListsAndEmptyLists() {
    String yaml =
        """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: ConfigMap, metadata: {name: inner}}
          - {apiVersion: v1, kind: ConfigMap, metadata: {name: outer}}
        ---
        apiVersion: v1
        kind: List
        items: []
        --- ~
        """;

    assertThat(ManifestSource.yaml("lists.yaml", yaml).load())
        .extracting(o -> o.getMetadata().getName())
        .containsExactly("inner", "outer");
  }

  @Test
  void readsJsonIncludingTabIndentation() {
    List<HasMetadata> objects =
        ManifestSource.file(Fixtures.path("manifests/valid/app.json")).load();

    assertThat(objects).singleElement().isInstanceOf(Service.class);
    assertThat(objects.get(0).getMetadata().getAnnotations()).containsEntry("port", "0080");
  }

  @Test
  void readsInMemoryYamlText() {
    ManifestSource source =
        ManifestSource.yaml(
            "inline.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: inline\n");

    assertThat(source.load()).extracting(o -> o.getMetadata().getName()).containsExactly("inline");
    assertThat(source.description()).contains("inline.yaml");
  }

  @Test
  void everyLoadReturnsFreshObjects() {
    ManifestSource source = ManifestSource.file(Fixtures.path("manifests/valid/stack.yaml"));
    List<HasMetadata> first = source.load();
    first.get(0).getMetadata().setName("changed");

    assertThat(source.load().get(0).getMetadata().getName()).isEqualTo("api");
  }

  @Test
  void loadsAThousandObjectsInOrder() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 1000; i++) {
      yaml.append("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-")
          .append(i)
          .append("\nspec:\n  template:\n    spec:\n      containers:\n")
          .append("        - name: main\n          image: example/app:")
          .append(i)
          .append('\n');
    }

    List<HasMetadata> objects = ManifestSource.yaml("many.yaml", yaml.toString()).load();

    assertThat(objects).hasSize(1000).allMatch(Deployment.class::isInstance);
    assertThat(objects.get(999).getMetadata().getName()).isEqualTo("app-999");
  }

  @Test
  void describesTheFileSource() {
    assertThat(ManifestSource.file(Path.of("deploy", "api.yaml")).description())
        .isEqualTo("file " + Path.of("deploy", "api.yaml"));
  }
}
