package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.HelmChart;
import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.PreviewEnvException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Helm chart rendered by {@code helm template} at each load; the rendered stream is parsed like a
 * file named {@code helm template <chart>}, and Helm hooks are separated by {@link HelmHooks}.
 * Rendering never talks to a cluster ({@code helm template} without {@code --validate}).
 */
public final class HelmSource implements RenderingSource {
  private static final Logger log = LoggerFactory.getLogger(HelmSource.class);

  private final HelmChart chart;
  private final HelmLocator locator;

  HelmSource(HelmChart chart, HelmLocator locator) {
    this.chart = chart;
    this.locator = locator;
  }

  public static HelmSource of(HelmChart chart) {
    return new HelmSource(Objects.requireNonNull(chart, "chart"), HelmLocator.system());
  }

  public HelmChart chart() {
    return chart;
  }

  @Override
  public List<HasMetadata> load() {
    return render(null).objects();
  }

  @Override
  public Rendered render(Context context) {
    checkInputs();
    Path helm = locator.executable(chart.helm(), "Helm chart " + chart.chart(), preRender(context));
    List<String> command = command(helm, context);
    String shown = shown(command);
    long start = System.nanoTime();
    ProcessRunner.Result result;
    try {
      result = ProcessRunner.run(command, chart.helm().timeout(), shown);
    } catch (ProcessRunner.TimedOut e) {
      throw new PreviewEnvException(
          "'"
              + shown
              + "' did not finish within "
              + chart.helm().timeout().toSeconds()
              + " s and was killed. Raise the limit with Helm.auto().withTimeout(...), or"
              + " pre-render the chart. Standard error so far: "
              + (e.stderr.isBlank() ? "(empty)" : setValues().scrub(e.stderr.strip())));
    } catch (IOException e) {
      throw new PreviewEnvException(
          "Cannot run '"
              + shown
              + "': "
              + e.getMessage()
              + ". "
              + HelmLocator.howToFix(preRender(context)),
          e);
    }
    if (result.exitCode() != 0) {
      List<String> lines = ProcessRunner.stderrLines(setValues().scrub(result.stderr()), "helm");
      if (result.stderr().contains("missing in charts/")
          || result.stderr().contains("found in Chart.yaml, but missing")) {
        lines.add(
            "hint: the chart's dependencies are not in its charts/ directory; run 'helm dependency"
                + " build "
                + chart.chart()
                + "' (PreviewEnv does not fetch charts)");
      }
      if (result.stderr().contains("unknown command \"template\"")
          || result.stderr().contains("unknown flag")) {
        lines.add("hint: PreviewEnv needs Helm 3 or 4; check '" + helm + " version'");
      }
      throw new InvalidPlanException(
          "Cannot load manifests from "
              + description()
              + ": '"
              + shown
              + "' failed with exit code "
              + result.exitCode()
              + ". Fix the chart or its values (Helm's own message is below) and load again."
              + " Nothing was sent to a cluster.",
          lines);
    }
    if (!result.stderr().isBlank()) {
      log.warn("'{}' warned: {}", shown, setValues().scrub(result.stderr().strip()));
    }
    log.info(
        "Rendered {} with '{}' in {} ms",
        chart.chart(),
        shown,
        (System.nanoTime() - start) / 1_000_000);
    Problems problems = new Problems();
    List<HasMetadata> out = new ArrayList<>();
    ManifestParser.parse(result.stdout(), description(), out, problems);
    List<HasMetadata> objects = ManifestFiles.finish(description(), out, problems);
    return HelmHooks.separate(objects, chart.hooks(), description());
  }

  /** The command line; {@code context} may be {@code null}. */
  List<String> command(Path helm, Context context) {
    List<String> command = new ArrayList<>();
    command.add(helm.toString());
    command.add("template");
    command.add(chart.release());
    command.add(chart.chart().toString());
    if (context != null) {
      command.add("--namespace");
      command.add(context.namespace());
    }
    String kubeVersion = chart.kubeVersion().orElse(context == null ? null : context.kubeVersion());
    if (kubeVersion != null) {
      command.add("--kube-version");
      command.add(kubeVersion);
    }
    for (Path values : chart.valuesFiles()) {
      command.add("--values");
      command.add(values.toString());
    }
    for (String s : chart.set()) {
      command.add("--set");
      command.add(s);
    }
    for (String s : chart.setString()) {
      command.add("--set-string");
      command.add(s);
    }
    return command;
  }

  /**
   * The command line as shown in messages and logs: {@code --set} values may be passwords, so only
   * their keys are shown.
   */
  /**
   * The values given with {@code --set}/{@code --set-string}: hidden in the command line shown, and
   * scrubbed from Helm's standard error too (its messages may quote them).
   */
  private dev.previewenv.core.internal.SecretValues setValues() {
    List<String> values = new ArrayList<>();
    for (String kv : chart.set()) {
      int eq = kv.indexOf('=');
      values.add(eq >= 0 ? kv.substring(eq + 1) : kv);
    }
    for (String kv : chart.setString()) {
      int eq = kv.indexOf('=');
      values.add(eq >= 0 ? kv.substring(eq + 1) : kv);
    }
    return dev.previewenv.core.internal.SecretValues.ofPlain(values);
  }

  static String shown(List<String> command) {
    List<String> shown = new ArrayList<>(command.size());
    for (int i = 0; i < command.size(); i++) {
      String arg = command.get(i);
      boolean value =
          i > 0
              && (command.get(i - 1).equals("--set") || command.get(i - 1).equals("--set-string"));
      int eq = arg.indexOf('=');
      shown.add(value && eq >= 0 ? arg.substring(0, eq + 1) + "<hidden>" : arg);
    }
    return String.join(" ", shown);
  }

  private void checkInputs() {
    Problems problems = new Problems();
    Path c = chart.chart();
    if (Files.isDirectory(c)) {
      if (!Files.isRegularFile(c.resolve("Chart.yaml"))) {
        problems.add(
            c
                + ": has no Chart.yaml; give a chart directory (the one holding Chart.yaml) or a"
                + " packaged .tgz");
      }
    } else if (!Files.isRegularFile(c)) {
      problems.add(
          c
              + ": chart does not exist (resolved to "
              + c.toAbsolutePath()
              + "); check the path and the working directory");
    } else if (!c.getFileName().toString().endsWith(".tgz")) {
      problems.add(
          c
              + ": is a file but not a packaged chart (.tgz); give a chart directory or the .tgz"
              + " 'helm package' made");
    }
    for (Path v : chart.valuesFiles()) {
      if (!Files.isRegularFile(v)) {
        problems.add(
            v
                + ": values file does not exist (resolved to "
                + v.toAbsolutePath()
                + "); check the path");
      }
    }
    problems.throwIfAny(description());
  }

  private String preRender(Context context) {
    return "helm template "
        + chart.release()
        + " "
        + chart.chart()
        + (context == null ? "" : " --namespace " + context.namespace());
  }

  @Override
  public String description() {
    return "helm template " + chart.chart();
  }

  @Override
  public String toString() {
    return description();
  }
}
