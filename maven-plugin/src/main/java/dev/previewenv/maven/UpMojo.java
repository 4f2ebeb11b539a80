package dev.previewenv.maven;

import dev.previewenv.core.Access;
import dev.previewenv.core.CiReport;
import dev.previewenv.core.Cleanup;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.SecretSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Provisions (or converges) the branch's environment before the integration tests and exports
 * {@code previewenv.namespace} and {@code previewenv.service.url.<service>} as project and user
 * properties: failsafe passes them to the test JVM as system properties, where
 * {@code @PreviewEnvironment} attaches to the environment instead of provisioning one.
 */
@Mojo(name = "up", defaultPhase = LifecyclePhase.PRE_INTEGRATION_TEST, threadSafe = true)
public class UpMojo extends AbstractPreviewEnvMojo {
  /** Secrets to bring in, {@code <strategy>:<source namespace>/<name>}. */
  @Parameter(property = "previewenv.secrets")
  List<String> secrets = new ArrayList<>();

  /** How long the environment lives, e.g. {@code 4h}. */
  @Parameter(property = "previewenv.ttl")
  String ttl;

  /** The owner recorded on the namespace, e.g. a CI run id. */
  @Parameter(property = "previewenv.owner")
  String owner;

  /** {@code ingress}, {@code port-forward} or {@code auto}, for the exported URLs' meaning. */
  @Parameter(property = "previewenv.access", defaultValue = "ingress")
  String access;

  /** Wait until the workloads are ready. */
  @Parameter(property = "previewenv.wait", defaultValue = "true")
  boolean await;

  /** How long to wait for readiness, e.g. {@code 5m}. */
  @Parameter(property = "previewenv.readiness.timeout")
  String readinessTimeout;

  @Override
  void run() throws MojoExecutionException {
    EnvironmentName name = environment();
    Plan plan = plan(name);
    List<SecretSpec> specs = new ArrayList<>();
    for (String s : secrets) {
      specs.add(SecretSpec.parse(s));
    }
    Access a = Access.valueOf(access.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    getLog()
        .info(
            "PreviewEnv: environment " + name.value() + " (" + plan.objects().size() + " objects)");
    try (KubernetesClient client = connect()) {
      Provisioner p =
          Provisioner.forClient(client)
              .withCleanup(Cleanup.NEVER)
              .withAccess(a)
              .withDiagnosticsRoot(
                  java.nio.file.Path.of(project.getBuild().getDirectory(), "previewenv"))
              .withSecrets(specs.toArray(SecretSpec[]::new))
              .withProgress(
                  (phase, took) ->
                      getLog().info("PreviewEnv:   " + phase.key() + " done in " + seconds(took)));
      if (ttl != null && !ttl.isBlank()) {
        p = p.withTtl(duration(ttl, "previewenv.ttl"));
      }
      if (owner != null && !owner.isBlank()) {
        p = p.withOwner(owner.strip());
      }
      if (!await) {
        p = p.withoutReadinessWait();
      } else if (readinessTimeout != null && !readinessTimeout.isBlank()) {
        p = p.withReadinessTimeout(duration(readinessTimeout, "previewenv.readiness.timeout"));
      }
      Preview preview = p.up(plan);
      try {
        export("previewenv.namespace", preview.namespace());
        for (Map.Entry<String, List<URI>> e : new TreeMap<>(preview.urlsByService()).entrySet()) {
          export("previewenv.service.url." + e.getKey(), e.getValue().get(0).toString());
        }
      } finally {
        preview.close(); // Cleanup.NEVER: kept for the tests; down removes it
      }
      writeReport(CiReport.of(preview, imageOverrides()));
    }
  }

  private void export(String key, String value) {
    project.getProperties().setProperty(key, value);
    session.getUserProperties().setProperty(key, value);
    getLog().info("PreviewEnv: " + key + "=" + value);
  }
}
