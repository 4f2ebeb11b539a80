package dev.previewenv.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/** Fails the build when the {@code e2e} run failed or had no verdict (after {@code down} ran). */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true)
public class VerifyMojo extends AbstractPreviewEnvMojo {
  @Override
  void run() throws MojoFailureException {
    if (!Files.isRegularFile(e2eOutcomeFile())) {
      getLog().info("PreviewEnv: no E2E run to verify");
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(e2eOutcomeFile(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new MojoFailureException("Cannot read " + e2eOutcomeFile() + ": " + e);
    }
    if (!lines.isEmpty() && !"PASSED".equals(lines.get(0))) {
      throw new MojoFailureException(lines.size() > 1 ? lines.get(1) : lines.get(0));
    }
  }
}
