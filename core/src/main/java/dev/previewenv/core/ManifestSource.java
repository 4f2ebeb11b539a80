package dev.previewenv.core;

import dev.previewenv.core.internal.manifest.ClasspathSource;
import dev.previewenv.core.internal.manifest.DirectorySource;
import dev.previewenv.core.internal.manifest.FileSource;
import dev.previewenv.core.internal.manifest.HelmSource;
import dev.previewenv.core.internal.manifest.KustomizeSource;
import dev.previewenv.core.internal.manifest.Source;
import dev.previewenv.core.internal.manifest.SourceSpecs;
import dev.previewenv.core.internal.manifest.YamlTextSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the objects of a stack come from: YAML/JSON files, directories, classpath resources,
 * in-memory objects, a rendered kustomize directory or a rendered Helm chart. Static factories on
 * this interface create every kind of source.
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
    return wrap(dev.previewenv.core.internal.manifest.InMemorySource.of(List.of(objects)));
  }

  /** In-memory objects; each {@link #load()} returns deep copies of them. */
  static ManifestSource objects(List<? extends HasMetadata> objects) {
    return wrap(dev.previewenv.core.internal.manifest.InMemorySource.of(objects));
  }

  /**
   * One YAML or JSON file (usually {@code .yaml}, {@code .yml} or {@code .json}; any name is read
   * as YAML, which includes JSON).
   */
  static ManifestSource file(Path file) {
    return wrap(FileSource.of(file));
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
    return wrap(DirectorySource.of(dir));
  }

  /**
   * A classpath resource, named relative to the classpath root ({@code "manifests/app.yaml"}; a
   * leading {@code /} is ignored): one file, or a directory (on disk or in a jar) read like {@link
   * #directory(Path)}. Looked up with the thread context class loader at load time, then with
   * PreviewEnv's own class loader. A missing resource is an {@link InvalidPlanException}.
   */
  static ManifestSource classpath(String resource) {
    return wrap(ClasspathSource.of(resource));
  }

  /**
   * YAML (or JSON) text held in memory; {@code name} stands for a file name in messages.
   *
   * @throws IllegalArgumentException when {@code name} is blank
   */
  static ManifestSource yaml(String name, String content) {
    return wrap(YamlTextSource.of(name, content));
  }

  /**
   * A kustomization directory rendered with {@link Kustomize#auto()}: {@code kustomize build <dir>}
   * or {@code kubectl kustomize <dir>}, whichever is found first.
   */
  static ManifestSource kustomize(Path dir) {
    return wrap(KustomizeSource.of(dir, Kustomize.auto()));
  }

  /**
   * A kustomization directory rendered as {@code renderer} says, at each {@link #load()}. A failed
   * render is an {@link InvalidPlanException} whose problems are kustomize's standard error; no
   * kustomize or kubectl to run, or a render that exceeds the timeout, is a {@link
   * PreviewEnvException} that says how to install one or to pre-render the manifests.
   */
  static ManifestSource kustomize(Path dir, Kustomize renderer) {
    return wrap(KustomizeSource.of(dir, renderer));
  }

  /**
   * A Helm chart (directory or {@code .tgz}) rendered with {@code helm template} as {@link
   * HelmChart#of(Path)} describes: release name from the chart's name, no values, {@link
   * Helm#auto()}.
   */
  static ManifestSource helm(Path chart) {
    return wrap(HelmSource.of(HelmChart.of(chart)));
  }

  /**
   * A Helm chart rendered with {@code helm template <release> <chart> --namespace <env>} (plus
   * {@code --kube-version}, values files and {@code --set} values as configured) at each build of a
   * plan. A failed render is an {@link InvalidPlanException} whose problems are Helm's standard
   * error; no helm to run, or a render that exceeds the timeout, is a {@link PreviewEnvException}
   * that says how to install Helm or to pre-render the chart. {@code --set} values are never shown
   * in messages or logs (they may be passwords).
   *
   * <p>Not supported: Helm hooks as hooks (see {@link HelmChart.Hooks}), charts' {@code crds/}
   * directories (CRDs are cluster-wide: install them once, not per environment), fetching
   * dependencies or remote charts (run {@code helm dependency build} or {@code helm pull} first),
   * {@code lookup} (it sees no cluster under {@code helm template}, as with Helm itself), and
   * releases' history ({@code helm rollback}/{@code upgrade}): PreviewEnv applies the rendered
   * objects itself and prunes what left the plan.
   */
  static ManifestSource helm(HelmChart chart) {
    return wrap(HelmSource.of(chart));
  }

  /**
   * A source from a one-line specification, as the JUnit extension's {@code manifests} and the CLI
   * take it. Relative paths resolve against {@code base}.
   *
   * <ul>
   *   <li>{@code classpath:<resource>}: {@link #classpath(String)}
   *   <li>{@code file:<path>} or just {@code <path>}: {@link #directory(Path)} for a directory,
   *       else {@link #file(Path)}
   *   <li>{@code kustomize:<dir>}: {@link #kustomize(Path)}; option {@code helm=true} allows {@code
   *       helmCharts:} ({@link Kustomize#withHelm(Helm)})
   *   <li>{@code helm:<chart dir or .tgz>}: {@link #helm(HelmChart)}; options, each repeatable
   *       where it makes sense and applied in order: {@code release=<name>}, {@code values=<file>},
   *       {@code set=<key>=<value>}, {@code set-string=<key>=<value>}, {@code
   *       kube-version=<version>}, {@code hooks=seed|omit|apply|refuse}
   * </ul>
   *
   * <p>Options follow the path, each after a {@code ;}: {@code
   * helm:charts/shop;release=shop;values=values-preview.yaml;set=api.replicas=2}. A value cannot
   * contain {@code ;}.
   *
   * @throws IllegalArgumentException naming the specification and what is wrong with it
   */
  static ManifestSource parse(String spec, Path base) {
    return wrap(SourceSpecs.parse(java.util.Objects.requireNonNull(spec, "spec"), base));
  }

  /**
   * One of PreviewEnv's own sources as a {@code ManifestSource}; it also supplies what it wraps, so
   * that a plan hands the manifest room the source itself ({@code ManifestSources.unwrap}).
   */
  private static ManifestSource wrap(Source source) {
    final class Own implements ManifestSource, java.util.function.Supplier<Source> {
      @Override
      public List<HasMetadata> load() {
        return source.load();
      }

      @Override
      public String description() {
        return source.description();
      }

      @Override
      public Source get() {
        return source;
      }

      @Override
      public String toString() {
        return source.toString();
      }
    }
    return new Own();
  }
}
