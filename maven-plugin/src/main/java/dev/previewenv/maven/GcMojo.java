package dev.previewenv.maven;

import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Janitor;
import dev.previewenv.core.JanitorReport;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** The janitor, once: deletes expired and orphaned environments (and closed branches' ones). */
@Mojo(name = "gc", requiresProject = false, threadSafe = true)
public class GcMojo extends AbstractPreviewEnvMojo {
  /** Only list what would be deleted. */
  @Parameter(property = "previewenv.gc.dryRun", defaultValue = "false")
  boolean dryRun;

  /** A file listing the open branches, one per line; other branches' environments go too. */
  @Parameter(property = "previewenv.gc.openBranches")
  File openBranches;

  @Override
  void run() throws MojoExecutionException {
    Set<String> open = null;
    if (openBranches != null) {
      open = new HashSet<>();
      try {
        for (String line : Files.readAllLines(openBranches.toPath(), StandardCharsets.UTF_8)) {
          String b = line.strip();
          if (!b.isEmpty() && !b.startsWith("#")) {
            open.add(EnvironmentName.forBranch(prefix == null ? "" : prefix.strip(), b).value());
          }
        }
      } catch (IOException e) {
        throw new MojoExecutionException(
            "Cannot read previewenv.gc.openBranches " + openBranches + ": " + e);
      }
    }
    try (KubernetesClient client = connect()) {
      Janitor janitor = Provisioner.forClient(client).janitor().withDryRun(dryRun);
      if (open != null) {
        Set<String> keep = open;
        janitor = janitor.withKeep(info -> keep.contains(info.name()));
      }
      JanitorReport r = janitor.gc(Instant.now());
      r.removals()
          .forEach(
              x ->
                  getLog()
                      .info(
                          (dryRun ? "Would delete " : x.deleted() ? "Deleted " : "Not deleted ")
                              + x.environment().namespace()
                              + ": "
                              + x.reason()));
      r.problems().forEach(p -> getLog().warn(p));
      if (!r.problems().isEmpty()) {
        throw new MojoExecutionException(
            r.problems().size() + " environment(s) could not be judged or deleted (see above)");
      }
    }
  }
}
