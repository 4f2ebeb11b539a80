package dev.previewenv.maven;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Phase;
import dev.previewenv.core.Provisioner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Deletes the branch's environment after the integration tests, by retention: {@code ALWAYS},
 * {@code ON_SUCCESS} (default: kept when failsafe's tests or the {@code e2e} run failed, for
 * inspection; the janitor collects it after its TTL) or {@code NEVER}. Bound to {@code
 * post-integration-test}, which runs also when tests failed (failsafe and {@code e2e} fail the
 * build only at {@code verify}).
 */
@Mojo(name = "down", defaultPhase = LifecyclePhase.POST_INTEGRATION_TEST, threadSafe = true)
public class DownMojo extends AbstractPreviewEnvMojo {
  private static final Pattern COUNT = Pattern.compile("<(failures|errors)>(\\d+)</\\1>");

  /** {@code ALWAYS}, {@code ON_SUCCESS} or {@code NEVER}. */
  @Parameter(property = "previewenv.retention", defaultValue = "ON_SUCCESS")
  String retention;

  @Override
  void run() {
    EnvironmentName name = environment();
    String r = retention.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    if (!r.equals("ALWAYS") && !r.equals("ON_SUCCESS") && !r.equals("NEVER")) {
      throw new IllegalArgumentException(
          "previewenv.retention '" + retention + "' is not ALWAYS, ON_SUCCESS or NEVER");
    }
    String failure = failure();
    if (r.equals("NEVER") || (r.equals("ON_SUCCESS") && failure != null)) {
      getLog()
          .warn(
              "PreviewEnv: keeping environment "
                  + name.value()
                  + " (retention "
                  + r
                  + (failure == null ? "" : ", " + failure)
                  + "). Inspect: kubectl get all,events -n "
                  + name.value()
                  + "; delete: kubectl delete namespace "
                  + name.value()
                  + "; otherwise the janitor deletes it after its TTL.");
      return;
    }
    try (KubernetesClient client = connect()) {
      if (client.namespaces().withName(name.value()).get() == null) {
        getLog().info("PreviewEnv: no environment " + name.value() + ", nothing to delete");
        return;
      }
      long start = System.nanoTime();
      Provisioner.forClient(client).down(name);
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      getLog().info("PreviewEnv: environment " + name.value() + " deleted in " + seconds(took));
      writeReport(CiReport.of(name).withPhase(Phase.TEARDOWN, took));
    }
  }

  /** Why the run counts as failed: the e2e outcome, failsafe's summary; null when it did not. */
  private String failure() {
    try {
      if (Files.isRegularFile(e2eOutcomeFile())) {
        String outcome = Files.readAllLines(e2eOutcomeFile(), StandardCharsets.UTF_8).get(0);
        if (!outcome.equals("PASSED")) {
          return "the E2E run ended " + outcome;
        }
      }
      Path summary =
          Path.of(project.getBuild().getDirectory(), "failsafe-reports", "failsafe-summary.xml");
      if (Files.isRegularFile(summary)) {
        Matcher m = COUNT.matcher(Files.readString(summary, StandardCharsets.UTF_8));
        while (m.find()) {
          if (Integer.parseInt(m.group(2)) > 0) {
            return "failsafe reports " + m.group(2) + " " + m.group(1);
          }
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the test outcome could not be read (" + e.getMessage() + ")";
    }
  }
}
