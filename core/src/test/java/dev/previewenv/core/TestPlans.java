package dev.previewenv.core;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.testing.TestObjects;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plans as the pipeline would make them: objects namespaced and labelled for the environment. */
public final class TestPlans {
  private TestPlans() {}

  /** A plan of {@code objects} for {@code branch}, namespaced and labelled here. */
  public static Plan plan(String branch, List<HasMetadata> objects, List<Route> routes) {
    EnvironmentName env = EnvironmentName.forBranch(branch);
    List<HasMetadata> placed = new ArrayList<>();
    for (HasMetadata o : objects) {
      o.getMetadata().setNamespace(env.value());
      o.getMetadata()
          .setLabels(
              new java.util.LinkedHashMap<>(
                  o.getMetadata().getLabels() == null ? Map.of() : o.getMetadata().getLabels()));
      o.getMetadata().getLabels().putAll(Keys.labels(env.value()));
      placed.add(o);
    }
    return new Plan(env, placed, routes, List.of());
  }

  public static Plan plan(String branch, HasMetadata... objects) {
    return plan(branch, List.of(objects), List.of());
  }

  public static HasMetadata configMap(String name, String key, String value) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .addToData(key, value)
        .build();
  }

  public static HasMetadata deployment(String name, String image) {
    return TestObjects.deployment(name, image);
  }
}
