package dev.previewenv.maven;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Route;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Shows what {@code up} would deploy, without a cluster: writes the transformed objects (secret
 * values redacted) to {@code planFile} and logs environment, hosts, images and warnings. Fails on
 * an invalid plan, listing every problem.
 */
@Mojo(name = "plan", threadSafe = true)
public class PlanMojo extends AbstractPreviewEnvMojo {
  /** Where the plan's YAML goes. */
  @Parameter(
      property = "previewenv.plan.file",
      defaultValue = "${project.build.directory}/previewenv/plan.yaml")
  File planFile;

  @Override
  void run() throws MojoExecutionException {
    EnvironmentName name = environment();
    Plan plan = plan(name);
    try {
      Files.createDirectories(planFile.toPath().getParent());
      Files.writeString(planFile.toPath(), plan.toRedactedYaml(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoExecutionException("Cannot write " + planFile + ": " + e, e);
    }
    getLog()
        .info(
            "PreviewEnv plan: environment "
                + name.value()
                + ", "
                + plan.objects().size()
                + " objects, YAML in "
                + planFile);
    for (Route r : plan.routes()) {
      getLog().info("  host " + r.host() + r.path() + " -> service " + r.service());
    }
    for (String i : CiReport.of(plan, imageOverrides()).imagesDeployed()) {
      getLog().info("  image " + i);
    }
    plan.warnings().forEach(w -> getLog().warn("  " + w));
  }
}
