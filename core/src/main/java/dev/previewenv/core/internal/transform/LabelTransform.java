package dev.previewenv.core.internal.transform;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Labels every object {@code app.kubernetes.io/managed-by=previewenv} and {@code
 * previewenv.dev/environment=<env>}, replacing other values of these two keys.
 *
 * <p>Only {@code metadata.labels} change. Pod template labels are left alone on purpose: they are
 * what selectors (Deployment, Service, NetworkPolicy, PodDisruptionBudget) match, and a
 * Deployment's selector is immutable, so changing them could break matching or later updates.
 */
public record LabelTransform(String environment) {
  public LabelTransform {
    Objects.requireNonNull(environment, "environment");
  }

  public Outcome apply(List<HasMetadata> input) {
    List<HasMetadata> out = new ArrayList<>(input.size());
    for (HasMetadata o : input) {
      Map<String, String> labels = o.getMetadata() == null ? null : o.getMetadata().getLabels();
      if (labels != null
          && Keys.MANAGED_BY_VALUE.equals(labels.get(Keys.MANAGED_BY))
          && environment.equals(labels.get(Keys.ENVIRONMENT))) {
        out.add(o);
        continue;
      }
      HasMetadata copy = Resources.copy(o);
      if (copy.getMetadata() == null) {
        copy.setMetadata(new ObjectMeta());
      }
      Map<String, String> next =
          labels == null
              ? new LinkedHashMap<>()
              : new LinkedHashMap<>(copy.getMetadata().getLabels());
      next.put(Keys.MANAGED_BY, Keys.MANAGED_BY_VALUE);
      next.put(Keys.ENVIRONMENT, environment);
      copy.getMetadata().setLabels(next);
      out.add(copy);
    }
    return Outcome.of(out, List.of());
  }
}
