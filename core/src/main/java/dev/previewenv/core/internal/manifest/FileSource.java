package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One YAML or JSON file, read afresh on every load. */
public final class FileSource implements Source {
  private final Path path;

  private FileSource(Path path) {
    this.path = path;
  }

  public static FileSource of(Path path) {
    return new FileSource(Objects.requireNonNull(path, "path"));
  }

  @Override
  public List<HasMetadata> load() {
    Problems problems = new Problems();
    List<HasMetadata> out = new ArrayList<>();
    ManifestFiles.readFile(path, path.toString(), out, problems);
    return ManifestFiles.finish(description(), out, problems);
  }

  @Override
  public String description() {
    return "file " + path;
  }

  @Override
  public String toString() {
    return description();
  }
}
