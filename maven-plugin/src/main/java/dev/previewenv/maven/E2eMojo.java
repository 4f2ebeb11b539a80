package dev.previewenv.maven;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.E2eJob;
import dev.previewenv.core.E2eResult;
import dev.previewenv.core.EnvironmentName;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Runs a suite image as the in-cluster E2E Job in the branch's environment and writes its JUnit XML
 * to {@code junitDir}. Like failsafe's {@code integration-test}, it does not fail the build, so
 * that {@code down} still runs; {@code verify} fails it.
 */
@Mojo(name = "e2e", defaultPhase = LifecyclePhase.INTEGRATION_TEST, threadSafe = true)
public class E2eMojo extends AbstractPreviewEnvMojo {
  /** The suite image. */
  @Parameter(property = "previewenv.e2e.image", required = true)
  String image;

  /** Where the JUnit XML reports go. */
  @Parameter(
      property = "previewenv.e2e.junitDir",
      defaultValue = "${project.build.directory}/previewenv-e2e")
  File junitDir;

  /** The image's pull policy: {@code Always}, {@code IfNotPresent} or {@code Never}. */
  @Parameter(property = "previewenv.e2e.pullPolicy")
  String pullPolicy;

  /** Replaces the image's entry point. */
  @Parameter List<String> command = new ArrayList<>();

  /** The Job's active deadline, e.g. {@code 15m}. */
  @Parameter(property = "previewenv.e2e.deadline")
  String deadline;

  @Override
  void run() throws MojoExecutionException {
    EnvironmentName name = environment();
    E2eJob job = E2eJob.of(image.strip());
    if (pullPolicy != null && !pullPolicy.isBlank()) {
      job = job.withImagePullPolicy(pullPolicy.strip());
    }
    if (!command.isEmpty()) {
      job = job.withCommand(command.toArray(String[]::new));
    }
    if (deadline != null && !deadline.isBlank()) {
      job = job.withActiveDeadline(duration(deadline, "previewenv.e2e.deadline"));
    }
    try (KubernetesClient client = connect()) {
      if (client.namespaces().withName(name.value()).get() == null) {
        throw new MojoExecutionException(
            "There is no environment " + name.value() + ": run the up goal first (same branch)");
      }
      E2eResult result = job.run(client, name, line -> getLog().info("  | " + line));
      Path dir = junitDir.toPath();
      try {
        Files.createDirectories(dir);
        for (Map.Entry<String, String> e : result.xmlReports().entrySet()) {
          Files.writeString(
              dir.resolve(Path.of(e.getKey()).getFileName().toString()),
              e.getValue(),
              StandardCharsets.UTF_8);
        }
        Files.createDirectories(e2eOutcomeFile().getParent());
        Files.writeString(
            e2eOutcomeFile(),
            result.outcome() + "\n" + result.summary() + "\n",
            StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new MojoExecutionException("Cannot write the E2E results to " + dir + ": " + e, e);
      }
      getLog().info("PreviewEnv: " + result.summary());
      result.failures().forEach(f -> getLog().error("  FAILED " + f.id() + ": " + f.message()));
      getLog().info("PreviewEnv: JUnit XML in " + dir);
      writeReport(CiReport.of(name).withE2e(result));
    }
  }
}
