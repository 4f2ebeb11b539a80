package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Phase;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's up, e2e, gc and down on a real cluster, with the kubeconfig connector. */
@RealCluster
class CliIT {
  static final String IMAGE = System.getProperty("previewenv.it.image", "previewenv/busybox:1");

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final Map<String, String> env = new HashMap<>();

  int run(String... args) {
    String kubeconfig = RealCluster.Extension.kubeconfig().orElseThrow().toString();
    env.put("PREVIEWENV_KUBECONFIG", kubeconfig);
    return PreviewEnvCli.run(
        new PreviewEnvCli.Context(
            env::get,
            () -> new ByteArrayInputStream(new byte[0]),
            Connector.kubeconfig(env::get),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            dir,
            Clock.systemUTC()),
        args);
  }

  @Test
  void upE2eGcAndDownOnARealCluster(KubernetesClient client) throws Exception {
    String branch = "it/cli-" + UUID.randomUUID().toString().substring(0, 6);
    String ns = EnvironmentName.forBranch(branch).value();
    Files.writeString(
        Files.createDirectories(dir.resolve("deploy")).resolve("app.yaml"),
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sleeper}
        spec:
          replicas: 1
          selector: {matchLabels: {app: sleeper}}
          template:
            metadata: {labels: {app: sleeper}}
            spec:
              terminationGracePeriodSeconds: 0
              containers:
                - name: sleeper
                  image: app
                  imagePullPolicy: Never
                  command: [sh, -c, "sleep 3600"]
        """);
    env.put("BRANCH_NAME", branch);
    try {
      assertThat(
              run(
                  "up",
                  "--manifests",
                  "deploy",
                  "--image",
                  "app=" + IMAGE,
                  "--ttl",
                  "30m",
                  "--owner",
                  "cli-it"))
          .as(err.toString())
          .isZero();
      assertThat(out.toString())
          .contains("Ready: namespace " + ns)
          .containsPattern("readiness +done in");

      String xml =
          "<testsuite name=\"it\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">"
              + "<testcase classname=\"dev.it.CliE2E\" name=\"one\"/></testsuite>";
      // the report as the launcher's records (e2e-protocol), printed by the shell as they are
      String script =
          "echo suite ran; cat <<'EOF'\n"
              + dev.previewenv.core.E2eResults.encode(
                  "TEST-cli.xml", xml.getBytes(java.nio.charset.StandardCharsets.UTF_8))
              + "EOF\n";
      assertThat(
              run(
                  "e2e",
                  "--image",
                  IMAGE,
                  "--pull-policy",
                  "Never",
                  "--command",
                  "sh",
                  "--command",
                  "-c",
                  "--command",
                  script,
                  "--deadline",
                  "120s"))
          .as(out + "\n" + err)
          .isZero();
      assertThat(out.toString()).contains("| suite ran").contains("PASSED (1 tests, 1 passed");
      assertThat(dir.resolve("target/previewenv-e2e/TEST-cli.xml")).hasContent(xml);

      Files.writeString(dir.resolve("open.txt"), "main\n");
      assertThat(run("gc", "--dry-run", "--open-branches", "open.txt")).isZero();
      assertThat(out.toString()).contains("Would delete " + ns + " (branch " + branch + ")");
      assertThat(client.namespaces().withName(ns).get()).isNotNull();

      assertThat(run("status")).isZero();
      assertThat(out.toString()).containsPattern(ns + " +" + branch + " +cli-it .* live");

      assertThat(run("down")).as(err.toString()).isZero();
      assertThat(client.namespaces().withName(ns).get()).isNull();
      CiReport report = CiReport.read(dir.resolve("target/previewenv/report.json"));
      assertThat(report.phases())
          .containsKeys(Phase.NAMESPACE, Phase.APPLY, Phase.READINESS, Phase.E2E, Phase.TEARDOWN);
      assertThat(report.tests().orElseThrow().passed()).isEqualTo(1);
      System.out.println("CliIT report:\n" + report.toJson() + "\n" + report.toMarkdown());
    } finally {
      if (client.namespaces().withName(ns).get() != null) {
        client.namespaces().withName(ns).delete();
      }
    }
  }
}
