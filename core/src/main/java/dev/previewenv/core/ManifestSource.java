package dev.previewenv.core;

import dev.previewenv.core.internal.manifest.ClasspathSource;
import dev.previewenv.core.internal.manifest.DirectorySource;
import dev.previewenv.core.internal.manifest.FileSource;
import dev.previewenv.core.internal.manifest.KustomizeSource;
import dev.previewenv.core.internal.manifest.YamlTextSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the objects of a stack come from: YAML/JSON files, directories, classpath resources,
 * in-memory objects or a rendered kustomize directory. Static factories on this interface create
 * every kind of source.
 *
 * <p>{@link #load()} reads the source afresh each time and returns new objects that the caller may
 * change. Bad input is an {@link InvalidPlanException} naming the file, the document index and,
 * when known, the line.
 *
 * <p>Rules shared by the YAML-reading sources ({@link #file}, {@link #directory}, {@link
 * #classpath}, {@link #yaml}, {@link #kustomize}):
 *
 * <ul>
 *   <li>YAML 1.2 with the core schema: {@code on}, {@code yes}, {@code no} are strings; quoted
 *       values stay strings ({@code "0123"}); unquoted numbers are numbers. JSON is read as YAML.
 *       Duplicate keys are an error.
 *   <li>Several documents per file ({@code ---}); empty documents are skipped. A document whose
 *       {@code kind} is {@code List} or ends with {@code List} and that has {@code items} is
 *       replaced by its items.
 *   <li>Every object needs {@code apiVersion}, {@code kind} and {@code metadata.name}; {@code
 *       metadata.generateName} is refused, because objects of a preview need fixed names so that
 *       provisioning again converges on the same objects.
 *   <li>Kinds known to fabric8 become their typed classes ({@code Deployment}, {@code Service},
 *       ...); other kinds (custom resources) become {@code GenericKubernetesResource}.
 *   <li>Every problem of a source is collected and reported together; each names the file (as
 *       given), the document index counting from 1 and the line when known. A source that yields no
 *       object at all is an error too (almost always a wrong path).
 * </ul>
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

  /**
   * One YAML or JSON file (usually {@code .yaml}, {@code .yml} or {@code .json}; any name is read
   * as YAML, which includes JSON).
   */
  static ManifestSource file(Path file) {
    return FileSource.of(file);
  }

  /**
   * Every {@code .yaml}, {@code .yml} and {@code .json} file below {@code dir}, recursively, in the
   * order of their paths relative to {@code dir} compared name by name (the same on every OS).
   * Hidden files and directories (names starting with {@code .}) are skipped; symbolic links to
   * files are read, symbolic links to directories are not followed.
   *
   * <p>A directory that contains a kustomization file ({@code kustomization.yaml}, {@code
   * kustomization.yml} or {@code Kustomization}) anywhere below it is refused with an {@link
   * InvalidPlanException}: the files of a kustomization are bases and patches, not plain manifests.
   * Use {@link #kustomize(Path)} for it.
   */
  static ManifestSource directory(Path dir) {
    return DirectorySource.of(dir);
  }

  /**
   * A classpath resource, named relative to the classpath root ({@code "manifests/app.yaml"}; a
   * leading {@code /} is ignored): one file, or a directory (on disk or in a jar) read like {@link
   * #directory(Path)}. Looked up with the thread context class loader at load time, then with
   * PreviewEnv's own class loader. A missing resource is an {@link InvalidPlanException}.
   */
  static ManifestSource classpath(String resource) {
    return ClasspathSource.of(resource);
  }

  /**
   * YAML (or JSON) text held in memory; {@code name} stands for a file name in messages.
   *
   * @throws IllegalArgumentException when {@code name} is blank
   */
  static ManifestSource yaml(String name, String content) {
    return YamlTextSource.of(name, content);
  }

  /**
   * A kustomization directory rendered with {@link Kustomize#auto()}: {@code kustomize build <dir>}
   * or {@code kubectl kustomize <dir>}, whichever is found first.
   */
  static ManifestSource kustomize(Path dir) {
    return KustomizeSource.of(dir, Kustomize.auto());
  }

  /**
   * A kustomization directory rendered as {@code renderer} says, at each {@link #load()}. A failed
   * render is an {@link InvalidPlanException} whose problems are kustomize's standard error; no
   * kustomize or kubectl to run, or a render that exceeds the timeout, is a {@link
   * PreviewEnvException} that says how to install one or to pre-render the manifests.
   */
  static ManifestSource kustomize(Path dir, Kustomize renderer) {
    return KustomizeSource.of(dir, renderer);
  }

  /**
   * Parses the settings form shared by the JUnit extension, the CLI and the Maven plugin: {@code
   * classpath:<resource>}, {@code kustomize:<directory>}, {@code file:<file or directory>}, or a
   * path without prefix (a file or directory). Relative paths resolve against {@code
   * workingDirectory}.
   *
   * @throws IllegalArgumentException naming the entry and the accepted prefixes
   */
  static ManifestSource parse(String entry, Path workingDirectory) {
    String text = entry == null ? "" : entry.strip();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]+):(.*)").matcher(text);
    String kind = "file";
    String value = text;
    if (m.matches()) {
      kind = m.group(1);
      value = m.group(2).strip();
    }
    if (value.isEmpty()) {
      throw new IllegalArgumentException(
          "manifest source \"" + entry + "\" names no resource or path");
    }
    switch (kind) {
      case "classpath":
        return classpath(value);
      case "kustomize":
        return kustomize(workingDirectory.resolve(value).normalize());
      case "file":
        Path path = workingDirectory.resolve(value).normalize();
        return java.nio.file.Files.isDirectory(path) ? directory(path) : file(path);
      default:
        throw new IllegalArgumentException(
            "manifest source \""
                + entry
                + "\" has the unknown prefix \""
                + kind
                + ":\": use classpath:, file: or kustomize:");
    }
  }
}
