package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.Kustomize;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.SecretValues;
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
 * A kustomization directory rendered by {@code kustomize build} or {@code kubectl kustomize} at
 * each load; the rendered stream is parsed like a file named {@code kustomize build <dir>}.
 */
public final class KustomizeSource implements RenderingSource {
  private static final Logger log = LoggerFactory.getLogger(KustomizeSource.class);

  /** Lines of kustomize's standard error put into an error's problem list. */
  private final Path dir;

  private final Kustomize kustomize;
  private final KustomizeLocator locator;

  KustomizeSource(Path dir, Kustomize kustomize, KustomizeLocator locator) {
    this.dir = dir;
    this.kustomize = kustomize;
    this.locator = locator;
  }

  public static KustomizeSource of(Path dir, Kustomize kustomize) {
    return new KustomizeSource(
        Objects.requireNonNull(dir, "dir"),
        Objects.requireNonNull(kustomize, "kustomize"),
        KustomizeLocator.system());
  }

  @Override
  public List<HasMetadata> load() {
    return render(null).objects();
  }

  @Override
  public Rendered render(Context context) {
    checkDirectory();
    KustomizationScan scan = KustomizationScan.of(dir);
    if (!scan.remote.isEmpty() && !kustomize.remoteAllowed()) {
      // fail fast: a remote base means network access, which hangs until the timeout where there
      // is none (and brings in manifests nobody reviewed)
      throw new InvalidPlanException(
          "Cannot load manifests from "
              + description()
              + ": the kustomization reaches the network ("
              + scan.remote.size()
              + " remote entr"
              + (scan.remote.size() == 1 ? "y" : "ies")
              + "). Vendor them into the repository, or allow it with"
              + " Kustomize.auto().withRemoteBases(true). Nothing was run or sent to a cluster.",
          scan.remote.stream()
              .map(
                  r ->
                      r
                          + " reaches the network: vendor it into the repository, or allow it with"
                          + " Kustomize.auto().withRemoteBases(true)")
              .toList());
    }
    SecretValues secrets = scan.secretValues();
    List<String> command = new ArrayList<>(locator.command(kustomize, dir));
    if (kustomize.helm().isPresent()) {
      Path helm =
          HelmLocator.system()
              .executable(
                  kustomize.helm().get(),
                  "the helmCharts of kustomization " + dir,
                  "kustomize build --enable-helm " + dir);
      List<String> flags =
          new ArrayList<>(List.of("--enable-helm", "--helm-command", helm.toString()));
      if (context != null && context.kubeVersion() != null) {
        flags.add("--helm-kube-version");
        flags.add(context.kubeVersion());
      }
      command.addAll(command.size() - 1, flags);
    }
    String shown = String.join(" ", command);
    long start = System.nanoTime();
    ProcessRunner.Result result;
    try {
      result = ProcessRunner.run(command, kustomize.timeout(), shown);
    } catch (ProcessRunner.TimedOut e) {
      throw new PreviewEnvException(
          "'"
              + shown
              + "' did not finish within "
              + kustomize.timeout().toSeconds()
              + " s and was killed. Remote bases or Helm charts can be slow: raise the limit with"
              + " Kustomize.auto().withTimeout(...), or pre-render the manifests. Standard error so"
              + " far: "
              + (e.stderr.isBlank() ? "(empty)" : secrets.scrub(e.stderr.strip())));
    } catch (IOException e) {
      throw new PreviewEnvException(
          "Cannot run '" + shown + "': " + e.getMessage() + ". " + KustomizeLocator.howToFix(dir),
          e);
    }
    if (result.exitCode() != 0) {
      List<String> lines = ProcessRunner.stderrLines(secrets.scrub(result.stderr()), "kustomize");
      if (result.stderr().contains("--enable-helm") && kustomize.helm().isEmpty()) {
        lines.add(
            "hint: the kustomization uses helmCharts:, which runs Helm; allow it with"
                + " Kustomize.auto().withHelm(Helm.auto()) (JUnit/CLI: kustomize:<dir>;helm=true),"
                + " or render the chart with ManifestSource.helm(...)");
      }
      if (result.stderr().contains("unknown shorthand flag: 'c'")
          || result.stderr().contains("requires helm V3")) {
        lines.add(
            "hint: this kustomize's helmCharts: work only with Helm 3; use Helm 3 there"
                + " (Kustomize.auto().withHelm(Helm.binary(helm3))), or render the chart with"
                + " ManifestSource.helm(...)");
      }
      throw new InvalidPlanException(
          "Cannot load manifests from "
              + description()
              + ": '"
              + shown
              + "' failed with exit code "
              + result.exitCode()
              + ". Fix the kustomization (kustomize's own message is below; it names the file)"
              + " and load again. Nothing was sent to a cluster.",
          lines);
    }
    if (!result.stderr().isBlank()) {
      log.warn("'{}' warned: {}", shown, secrets.scrub(result.stderr().strip()));
    }
    log.info("Rendered {} with '{}' in {} ms", dir, shown, (System.nanoTime() - start) / 1_000_000);
    Problems problems = new Problems();
    List<HasMetadata> out = new ArrayList<>();
    ManifestParser.parse(result.stdout(), description(), out, problems);
    return HelmHooks.separate(
        ManifestFiles.finish(description(), out, problems),
        dev.previewenv.core.HelmChart.Hooks.OMIT,
        description(),
        false);
  }

  private void checkDirectory() {
    Problems problems = new Problems();
    if (!Files.isDirectory(dir)) {
      problems.add(
          dir
              + (Files.exists(dir)
                  ? ": is a file; kustomize renders a directory that holds a kustomization.yaml"
                  : ": directory does not exist (resolved to "
                      + dir.toAbsolutePath()
                      + "); check the path and the working directory"));
    } else if (ManifestFiles.KUSTOMIZATION_NAMES.stream()
        .noneMatch(n -> Files.isRegularFile(dir.resolve(n)))) {
      problems.add(
          dir
              + ": has no kustomization.yaml, kustomization.yml or Kustomization file; use"
              + " ManifestSource.directory(...) for a directory of plain manifests");
    }
    problems.throwIfAny(description());
  }

  @Override
  public String description() {
    return "kustomize build " + dir;
  }

  @Override
  public String toString() {
    return description();
  }
}
