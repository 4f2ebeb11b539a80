package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;

/**
 * Where the objects of a stack come from: YAML/JSON files, directories, classpath resources,
 * in-memory objects or a rendered kustomize directory. Static factories on this interface create
 * every kind of source.
 *
 * <p>{@link #load()} reads the source afresh each time and returns new objects that the caller may
 * change. Bad input is an {@link InvalidPlanException} naming the file, the document index and,
 * when known, the line.
 */
public interface ManifestSource {

  /** Loads and returns the objects, in a deterministic order. */
  List<HasMetadata> load();

  /** A short description for messages, e.g. {@code file deploy/api.yaml}. */
  String description();

  /** In-memory objects; each {@link #load()} returns deep copies of them. */
  static ManifestSource objects(HasMetadata... objects) {
    return dev.previewenv.core.internal.manifest.InMemorySource.of(List.of(objects));
  }

  /** In-memory objects; each {@link #load()} returns deep copies of them. */
  static ManifestSource objects(List<? extends HasMetadata> objects) {
    return dev.previewenv.core.internal.manifest.InMemorySource.of(objects);
  }
}
