package dev.previewenv.core.internal.provision;

import dev.previewenv.core.internal.kube.Keys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.LimitRangeSpec;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceQuotaSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The guards of an environment's namespace: the ResourceQuota and the LimitRange named {@code
 * previewenv}, applied before anything they count.
 */
public final class Guards {
  /** The name of both guard objects. */
  public static final String NAME = "previewenv";

  private Guards() {}

  /** The guard objects for the settings given; {@code null} settings give none. */
  public static List<HasMetadata> of(
      String environment, String namespace, ResourceQuotaSpec quota, LimitRangeSpec limitRange) {
    List<HasMetadata> guards = new ArrayList<>();
    if (quota != null) {
      guards.add(
          new ResourceQuotaBuilder()
              .withNewMetadata()
              .withName(NAME)
              .withNamespace(namespace)
              .withLabels(Keys.labels(environment))
              .endMetadata()
              .withSpec(quota)
              .build());
    }
    if (limitRange != null) {
      guards.add(
          new LimitRangeBuilder()
              .withNewMetadata()
              .withName(NAME)
              .withNamespace(namespace)
              .withLabels(Keys.labels(environment))
              .endMetadata()
              .withSpec(limitRange)
              .build());
    }
    return guards;
  }
}
