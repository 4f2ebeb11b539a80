package dev.previewenv.core.internal.manifest;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** YAML (or JSON) text held in memory, named by the caller for messages. */
public final class YamlTextSource implements Source {
  private final String name;
  private final String content;

  private YamlTextSource(String name, String content) {
    this.name = name;
    this.content = content;
  }

  public static YamlTextSource of(String name, String content) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(content, "content");
    if (name.isBlank()) {
      throw new IllegalArgumentException(
          "ManifestSource.yaml(name, content) needs a non-blank name; it names the text in error"
              + " messages, e.g. \"api.yaml\"");
    }
    return new YamlTextSource(name, content);
  }

  @Override
  public List<HasMetadata> load() {
    Problems problems = new Problems();
    List<HasMetadata> out = new ArrayList<>();
    ManifestParser.parse(content, name, out, problems);
    return ManifestFiles.finish(description(), out, problems);
  }

  @Override
  public String description() {
    return "YAML text " + name;
  }

  @Override
  public String toString() {
    return description();
  }
}
