package dev.previewenv.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A Helm chart to render with {@code helm template} for {@link ManifestSource#helm(HelmChart)}: a
 * chart directory or a packaged {@code .tgz}, the release name, values files and {@code --set}
 * values, in the order Helm applies them (values files first, in the order given, then {@code
 * --set} and {@code --set-string} entries). Immutable: every {@code with} method returns a copy.
 *
 * <p>The namespace is always the environment's ({@code --namespace <env>}, so {@code
 * .Release.Namespace} is the environment), and the Kubernetes version ({@code --kube-version}, seen
 * by templates as {@code .Capabilities.KubeVersion}) is the one given here, else the one the plan
 * was given ({@link Plan.Builder#kubeVersion(String)}, which the JUnit extension sets to the target
 * server's), else Helm's default.
 *
 * <p>Helm hooks ({@code helm.sh/hook} annotations) are not ordinary objects: by default ({@link
 * Hooks#SEED}) a {@code post-install} Job runs as a seed step (see {@link Plan#seeds()}), and every
 * other hook is left out of the plan, each named in the plan's warnings; {@code helm test} pods
 * ({@code helm.sh/hook: test}) are always left out, because PreviewEnv's E2E run is the test step.
 */
public final class HelmChart {

  /** What happens to objects that Helm would run as hooks. */
  public enum Hooks {
    /**
     * The default: Jobs whose hooks include {@code post-install} become seed Jobs (annotation
     * {@code previewenv.dev/phase: seed}, ordered by their {@code helm.sh/hook-weight}): they run
     * once every workload is ready and before {@code up} returns, and again only when their spec
     * changes ({@code post-upgrade} is not re-run on every {@code up}). Every other hook is left
     * out as with {@link #OMIT}.
     */
    SEED,
    /** Left out of the plan; each one named in {@link Plan#warnings()}. */
    OMIT,
    /**
     * Applied as ordinary objects together with the rest (no ordering, weights or delete policies),
     * named in the warnings; {@code helm test} hooks are still left out.
     */
    APPLY,
    /** A chart with hooks (other than {@code helm test} ones) makes the plan invalid. */
    REFUSE
  }

  /** Helm's own limit for release names. */
  static final int MAX_RELEASE = 53;

  private static final Pattern RELEASE = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern KEY = Pattern.compile("[^=,\\s]+");

  private final Path chart;
  private final String release;
  private final List<Path> valuesFiles;
  private final List<String> set;
  private final List<String> setString;
  private final String kubeVersion;
  private final Hooks hooks;
  private final Helm helm;

  private HelmChart(
      Path chart,
      String release,
      List<Path> valuesFiles,
      List<String> set,
      List<String> setString,
      String kubeVersion,
      Hooks hooks,
      Helm helm) {
    this.chart = chart;
    this.release = release;
    this.valuesFiles = List.copyOf(valuesFiles);
    this.set = List.copyOf(set);
    this.setString = List.copyOf(setString);
    this.kubeVersion = kubeVersion;
    this.hooks = hooks;
    this.helm = helm;
  }

  /**
   * The chart at {@code chart} (a directory holding {@code Chart.yaml}, or a {@code .tgz}), release
   * name from the chart's file name ({@code charts/shop} and {@code shop-1.2.0.tgz} give {@code
   * shop}), no values, {@link Helm#auto()}.
   */
  public static HelmChart of(Path chart) {
    Objects.requireNonNull(chart, "chart");
    return new HelmChart(
        chart,
        defaultRelease(chart),
        List.of(),
        List.of(),
        List.of(),
        null,
        Hooks.SEED,
        Helm.auto());
  }

  /**
   * A copy with this release name ({@code .Release.Name}).
   *
   * @throws IllegalArgumentException when it is not a DNS label of at most 53 characters
   */
  public HelmChart withRelease(String release) {
    Objects.requireNonNull(release, "release");
    checkRelease(release);
    return new HelmChart(chart, release, valuesFiles, set, setString, kubeVersion, hooks, helm);
  }

  /** A copy with these values files added ({@code -f}), applied after those added before. */
  public HelmChart withValues(Path... files) {
    List<Path> next = new ArrayList<>(valuesFiles);
    for (Path f : files) {
      next.add(Objects.requireNonNull(f, "values file"));
    }
    return new HelmChart(chart, release, next, set, setString, kubeVersion, hooks, helm);
  }

  /**
   * A copy with {@code --set key=value} added: {@code key} is a dotted path ({@code api.replicas}),
   * {@code value} is typed by Helm ({@code 2} is a number, {@code true} a boolean). Commas and
   * backslashes in the value are escaped, so the value is always one value.
   *
   * @throws IllegalArgumentException when the key is empty or contains {@code =}, {@code ,} or
   *     white space
   */
  public HelmChart withSet(String key, String value) {
    List<String> next = new ArrayList<>(set);
    next.add(entry(key, value));
    return new HelmChart(chart, release, valuesFiles, next, setString, kubeVersion, hooks, helm);
  }

  /**
   * Like {@link #withSet(String, String)} but the value is always a string ({@code --set-string}).
   */
  public HelmChart withSetString(String key, String value) {
    List<String> next = new ArrayList<>(setString);
    next.add(entry(key, value));
    return new HelmChart(chart, release, valuesFiles, set, next, kubeVersion, hooks, helm);
  }

  /**
   * A copy rendered for this Kubernetes version ({@code v1.20.2} or {@code 1.20}), whatever the
   * plan says.
   *
   * @throws IllegalArgumentException when it is not a version
   */
  public HelmChart withKubeVersion(String version) {
    return new HelmChart(
        chart, release, valuesFiles, set, setString, checkKubeVersion(version), hooks, helm);
  }

  /** A copy with this handling of Helm hooks. */
  public HelmChart withHooks(Hooks hooks) {
    return new HelmChart(
        chart,
        release,
        valuesFiles,
        set,
        setString,
        kubeVersion,
        Objects.requireNonNull(hooks, "hooks"),
        helm);
  }

  /** A copy rendered by this Helm. */
  public HelmChart withHelm(Helm helm) {
    return new HelmChart(
        chart,
        release,
        valuesFiles,
        set,
        setString,
        kubeVersion,
        hooks,
        Objects.requireNonNull(helm, "helm"));
  }

  /** The chart directory or {@code .tgz}. */
  public Path chart() {
    return chart;
  }

  /** The release name. */
  public String release() {
    return release;
  }

  /** The values files, in the order Helm reads them. */
  public List<Path> valuesFiles() {
    return valuesFiles;
  }

  /** The {@code --set} entries, {@code key=value} with the value escaped. */
  public List<String> set() {
    return set;
  }

  /** The {@code --set-string} entries, {@code key=value} with the value escaped. */
  public List<String> setString() {
    return setString;
  }

  /** The Kubernetes version given here; empty when the plan's (or Helm's default) applies. */
  public Optional<String> kubeVersion() {
    return Optional.ofNullable(kubeVersion);
  }

  /** How Helm hooks are handled. */
  public Hooks hooks() {
    return hooks;
  }

  /** The Helm that renders. */
  public Helm helm() {
    return helm;
  }

  /**
   * Checks a Kubernetes version and returns it trimmed.
   *
   * @throws IllegalArgumentException when it is not {@code [v]MAJOR.MINOR[.PATCH...]}
   */
  static String checkKubeVersion(String version) {
    Objects.requireNonNull(version, "version");
    String v = version.strip();
    if (!v.matches("v?[0-9]+\\.[0-9]+(\\.[0-9]+)?([-+][0-9A-Za-z.+-]*)?")) {
      throw new IllegalArgumentException(
          "Kubernetes version \"" + version + "\" is invalid: give e.g. v1.20.2 or 1.28");
    }
    return v;
  }

  private static String entry(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "Helm value key \""
              + key
              + "\" is invalid: give a dotted path without '=', ',' or spaces, e.g."
              + " \"api.replicas\"");
    }
    return key + "=" + value.replace("\\", "\\\\").replace(",", "\\,");
  }

  private static void checkRelease(String release) {
    if (release.length() > MAX_RELEASE || !RELEASE.matcher(release).matches()) {
      throw new IllegalArgumentException(
          "Helm release name \""
              + release
              + "\" is invalid: Helm needs lowercase letters, digits and '-', starting and ending"
              + " with a letter or digit, at most "
              + MAX_RELEASE
              + " characters, e.g. \"shop\"");
    }
  }

  private static String defaultRelease(Path chart) {
    Path fileName = chart.toAbsolutePath().normalize().getFileName();
    String name = fileName == null ? "release" : fileName.toString();
    if (name.endsWith(".tgz")) {
      name =
          name.substring(0, name.length() - 4).replaceFirst("-v?[0-9]+(\\.[0-9]+)*([-+].*)?$", "");
    }
    name = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
    name = name.replaceAll("^-+|-+$", "");
    if (name.length() > MAX_RELEASE) {
      name = name.substring(0, MAX_RELEASE).replaceAll("-+$", "");
    }
    return name.isEmpty() ? "release" : name;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HelmChart h
        && chart.equals(h.chart)
        && release.equals(h.release)
        && valuesFiles.equals(h.valuesFiles)
        && set.equals(h.set)
        && setString.equals(h.setString)
        && Objects.equals(kubeVersion, h.kubeVersion)
        && hooks == h.hooks
        && helm.equals(h.helm);
  }

  @Override
  public int hashCode() {
    return Objects.hash(chart, release, valuesFiles, set, setString, kubeVersion, hooks, helm);
  }

  @Override
  public String toString() {
    return "helm chart " + chart + " (release " + release + ")";
  }
}
