package dev.previewenv.maven;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.ClusterConnection;
import dev.previewenv.core.ClusterUnavailableException;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.GitBranch;
import dev.previewenv.core.InvalidPlanException;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.PreviewEnvException;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/**
 * What every goal shares: the environment (branch, prefix), the cluster (kubeconfig, context), the
 * stack (manifests, images, hosts, protection), the CI report and {@code -Dpreviewenv.skip}. The
 * parameters have the names of the JUnit extension's settings ({@code previewenv.images}, ...).
 */
abstract class AbstractPreviewEnvMojo extends AbstractMojo {

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  /** Skip every PreviewEnv goal. */
  @Parameter(property = "previewenv.skip", defaultValue = "false")
  boolean skip;

  /** The git branch; default the CI's variables, then the checked-out branch. */
  @Parameter(property = "previewenv.branch")
  String branch;

  /** A prefix of the environment name, e.g. {@code pr}. */
  @Parameter(property = "previewenv.prefix")
  String prefix;

  /** The kubeconfig; default {@code KUBECONFIG}, {@code ~/.kube/config}, the service account. */
  @Parameter(property = "previewenv.kubeconfig")
  File kubeconfig;

  /** The kubeconfig context; default its current one. */
  @Parameter(property = "previewenv.context")
  String context;

  /** Manifest sources: {@code kustomize:<dir>}, {@code file:<path>}, {@code classpath:<res>}. */
  @Parameter(property = "previewenv.manifests")
  List<String> manifests = new ArrayList<>();

  /** Image overrides in kustomize {@code set image} form, {@code name=ref}. */
  @Parameter(property = "previewenv.images")
  List<String> images = new ArrayList<>();

  /** Ingress host format, placeholders {@code {env}} and {@code {host}}. */
  @Parameter(property = "previewenv.host.format")
  String hostFormat;

  /** The central OAuth2 Proxy host for protected ingresses. */
  @Parameter(property = "previewenv.auth.host")
  String authHost;

  /** Ingresses to put behind OAuth2 Proxy. */
  @Parameter(property = "previewenv.protected.ingresses")
  List<String> protectedIngresses = new ArrayList<>();

  /** The JSON report the goals add their part to; Markdown goes to $GITHUB_STEP_SUMMARY. */
  @Parameter(
      property = "previewenv.report",
      defaultValue = "${project.build.directory}/previewenv/report.json")
  File report;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("PreviewEnv: skipped (previewenv.skip)");
      return;
    }
    try {
      run();
    } catch (ClusterUnavailableException e) {
      throw new MojoExecutionException(e.getMessage());
    } catch (InvalidPlanException e) {
      throw new MojoFailureException("Invalid plan, nothing was changed:\n" + e.getMessage());
    } catch (PreviewEnvException | IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage());
    }
  }

  abstract void run() throws MojoExecutionException, MojoFailureException;

  Path basedir() {
    return project.getBasedir().toPath();
  }

  EnvironmentName environment() {
    String b =
        branch != null && !branch.isBlank()
            ? branch.strip()
            : GitBranch.detect(System::getenv, basedir());
    return EnvironmentName.forBranch(prefix == null ? "" : prefix.strip(), b);
  }

  KubernetesClient connect() {
    return ClusterConnection.locate()
        .kubeconfig(kubeconfig == null ? null : kubeconfig.toPath(), "-Dpreviewenv.kubeconfig")
        .context(context, "-Dpreviewenv.context")
        .connect();
  }

  List<String> imageOverrides() {
    return images.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  Plan plan(EnvironmentName environment) throws MojoExecutionException {
    if (manifests.isEmpty()) {
      throw new MojoExecutionException(
          "No manifests: configure <manifests><manifest>kustomize:deploy/overlays/preview"
              + "</manifest></manifests> or pass -Dpreviewenv.manifests=kustomize:<dir>");
    }
    Plan.Builder b = Plan.builder(environment).images(imageOverrides());
    for (String m : manifests) {
      b = b.source(ManifestSource.parse(m, basedir()));
    }
    if (hostFormat != null && !hostFormat.isBlank()) {
      b = b.hostFormat(hostFormat.strip());
    }
    if (authHost != null && !authHost.isBlank()) {
      b = b.authHost(authHost.strip());
    }
    if (!protectedIngresses.isEmpty()) {
      b = b.protect(protectedIngresses.toArray(String[]::new));
    }
    return b.build();
  }

  void writeReport(CiReport step) {
    Path file = report.toPath();
    try {
      CiReport merged = Files.isRegularFile(file) ? step.mergedOnto(CiReport.read(file)) : step;
      merged.write(file);
      step.writeStepSummary(System::getenv);
      getLog().info("PreviewEnv report: " + file);
    } catch (PreviewEnvException e) {
      getLog().warn("PreviewEnv report not written: " + e.getMessage());
    }
  }

  /** {@code 4h}, {@code 90m}, {@code 30s}, {@code 2d} or ISO-8601 such as {@code PT4H}. */
  static Duration duration(String value, String parameter) throws MojoExecutionException {
    var d = dev.previewenv.core.Durations.parsePositive(value);
    if (d.isEmpty()) {
      throw new MojoExecutionException(
          parameter + " '" + value + "' is not a positive duration such as 4h, 90m, 30s or PT4H");
    }
    return d.get();
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** The file an {@code e2e} run records its outcome in, for {@code verify} and {@code down}. */
  Path e2eOutcomeFile() {
    return Path.of(project.getBuild().getDirectory(), "previewenv", "e2e-outcome.txt");
  }
}
