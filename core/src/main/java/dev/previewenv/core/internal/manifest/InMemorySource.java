package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;

/** Objects given in memory; every load returns deep copies so callers cannot change the source. */
public final class InMemorySource implements Source {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private final List<HasMetadata> objects;

  private InMemorySource(List<HasMetadata> objects) {
    this.objects = objects;
  }

  public static InMemorySource of(List<? extends HasMetadata> objects) {
    List<HasMetadata> copy = new ArrayList<>(objects.size());
    for (HasMetadata o : objects) {
      if (o == null) {
        throw new IllegalArgumentException("ManifestSource.objects(...) was given a null object");
      }
      copy.add(SERIALIZATION.clone(o));
    }
    return new InMemorySource(List.copyOf(copy));
  }

  @Override
  public List<HasMetadata> load() {
    List<HasMetadata> result = new ArrayList<>(objects.size());
    for (HasMetadata o : objects) {
      result.add(SERIALIZATION.clone(o));
    }
    return result;
  }

  @Override
  public String description() {
    return "in-memory objects (" + objects.size() + ")";
  }
}
