package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One canary secret value (and its base64 form) driven through every output path PreviewEnv has:
 * plan YAML, diagnostics of a failing workload while listing Secrets is forbidden (the values come
 * from the plan's Secret and a copied secret), the readiness exception, the E2E Job's log stream,
 * result and the JUnit reports written, kustomize's standard error in an exception, and everything
 * written to System.out/System.err (SLF4J simple logs there). It must appear nowhere.
 */
class CanaryEverywhereTest {
  private static final String PLAN_CANARY = "canary-plan-7f3a9c2e";
  private static final String COPIED_CANARY = "canary-copied-41bd08aa";
  private static final String KUSTOMIZE_CANARY = "canary-kustomize-93c1e5d0";
  private static final String NS_SRC = "shared";

  @TempDir Path tmp;

  @Test
  void canaryAppearsInNoOutputOfAnyPath() throws Exception {
    List<String> outputs = new ArrayList<>();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(new PrintStream(new Tee(out, captured), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(err, captured), true, StandardCharsets.UTF_8));
    int paths = 0;
    try (KubeTestServer kube = new KubeTestServer()) {
      KubernetesClient client = kube.client();
      E2eJobSpecTest.serverVersion(kube, "20");
      String crashLog =
          "starting\nusing token " + PLAN_CANARY + " and registry " + COPIED_CANARY + "\nfatal\n";
      String e2eLog =
          E2eJobRunnerTest.logWithReports(
              "login with " + PLAN_CANARY + "\n",
              Map.of(
                  "TEST-canary.xml",
                  "<testsuite name=\"s\" tests=\"1\" failures=\"1\"><testcase classname=\"c\""
                      + " name=\"t\"><failure message=\"expected "
                      + COPIED_CANARY
                      + "\">at "
                      + PLAN_CANARY
                      + "</failure></testcase></testsuite>"));
      try (ControllerSimulator sim =
          ControllerSimulator.start(
              kube,
              SimulatorOptions.builder()
                  .readyDelay(Duration.ZERO)
                  .failing("crashy", PodFailure.CRASH_LOOP_BACK_OFF)
                  .crashLog(crashLog)
                  .job(JobOutcome.of("suite:1", 1, e2eLog, ""))
                  .build())) {
        client
            .resource(
                new NamespaceBuilder().withNewMetadata().withName(NS_SRC).endMetadata().build())
            .create();
        client
            .resource(
                new SecretBuilder()
                    .withNewMetadata()
                    .withName("registry")
                    .withNamespace(NS_SRC)
                    .endMetadata()
                    .addToStringData("token", COPIED_CANARY)
                    .build())
            .create();

        Plan failing = plan("canary/fail", true);
        // path 1: plan YAML
        outputs.add(failing.toYaml());
        assertThat(failing.toYaml()).contains("token: \"<redacted>\"");
        paths++;

        // path 2 and 3: diagnostics with Secrets unlistable, and the readiness exception
        kube.server()
            .expect()
            .get()
            .withPath("/api/v1/namespaces/" + failing.namespace() + "/secrets")
            .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
            .always();
        Provisioner provisioner =
            Provisioner.forClient(client)
                .withOwner("canary")
                .withSecrets(SecretSpec.copy(NS_SRC, "registry"))
                .withReadinessTimeout(Duration.ofSeconds(20))
                .withCleanup(Cleanup.NEVER)
                .withDiagnosticsRoot(tmp.resolve("diagnostics"));
        Throwable notReady = null;
        try {
          provisioner.up(failing).close();
        } catch (NotReadyException e) {
          notReady = e;
        }
        assertThat(notReady).as("the crashing workload fails readiness").isNotNull();
        outputs.add(stackTrace(notReady));
        assertThat(notReady.getMessage()).contains("Diagnostics:");
        Path diagnostics = tmp.resolve("diagnostics").resolve(failing.namespace());
        String previousLogs;
        try (Stream<Path> files = Files.walk(diagnostics)) {
          previousLogs =
              files
                  .filter(f -> f.toString().endsWith(".previous.log"))
                  .map(CanaryEverywhereTest::read)
                  .reduce("", String::concat);
        }
        assertThat(previousLogs).as("the crash log really was collected").contains("<redacted>");
        assertThat(read(diagnostics.resolve("summary.md"))).contains("list Secrets");
        paths += 2;

        // path 4 and 5: the E2E Job's log stream, result and the JUnit reports written
        try (Preview preview = provisioner.withoutReadinessWait().up(plan("canary/e2e", false))) {
          List<String> lines = new CopyOnWriteArrayList<>();
          E2eResult result =
              E2eJob.of("suite:1").withTimeout(Duration.ofSeconds(20)).run(preview, lines::add);
          assertThat(lines).anyMatch(l -> l.contains("login with <redacted>"));
          assertThat(result.failed()).as("%s %s", result.notes(), result.logTail()).isEqualTo(1);
          outputs.addAll(lines);
          outputs.add(result.toString());
          outputs.add(result.summary());
          result.writeReports(tmp.resolve("reports"));
          assertThat(tmp.resolve("reports")).isNotEmptyDirectory();
          paths += 2;
        }
      }
    }

    // path 6: kustomize's standard error (a secretGenerator literal echoed back)
    Path dir = Files.createDirectories(tmp.resolve("kustomize"));
    Files.writeString(
        dir.resolve("kustomization.yaml"),
        "secretGenerator:\n- name: db\n  literals:\n  - password=" + KUSTOMIZE_CANARY + "\n");
    Path fake = tmp.resolve("fake-kustomize");
    Files.writeString(
        fake,
        "#!/bin/sh\necho \"Error: secretGenerator db: bad literal password="
            + KUSTOMIZE_CANARY
            + "\" >&2\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
    Throwable kustomize =
        catchAll(
            () ->
                Plan.builder(EnvironmentName.forBranch("canary/kustomize"))
                    .source(ManifestSource.kustomize(dir, Kustomize.binary(fake)))
                    .build());
    assertThat(kustomize).isInstanceOf(InvalidPlanException.class);
    assertThat(stackTrace(kustomize)).contains("password=<redacted>");
    outputs.add(stackTrace(kustomize));
    paths++;

    System.setOut(out);
    System.setErr(err);
    outputs.add(captured.toString(StandardCharsets.UTF_8));
    try (Stream<Path> files = Files.walk(tmp)) {
      files
          .filter(Files::isRegularFile)
          .filter(f -> !f.equals(fake) && !f.getParent().equals(dir))
          .forEach(f -> outputs.add(f + ":\n" + read(f)));
    }
    for (String canary : List.of(PLAN_CANARY, COPIED_CANARY, KUSTOMIZE_CANARY)) {
      String b64 = Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8));
      for (String o : outputs) {
        if (o.contains(canary) || o.contains(b64)) {
          int at = Math.max(o.indexOf(canary), o.indexOf(b64));
          fail(
              "canary %s found in output: ...%s...",
              canary, o.substring(Math.max(0, at - 300), Math.min(o.length(), at + 60)));
        }
      }
    }
    System.out.println("RELIABILITY canary-every-output paths=" + paths + " leaked=0");
    assertThat(paths).isEqualTo(6);
  }

  private static Plan plan(String branch, boolean crashing) {
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(
        new SecretBuilder()
            .withNewMetadata()
            .withName("app")
            .endMetadata()
            .addToStringData("token", PLAN_CANARY)
            .build());
    if (crashing) {
      objects.add(
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("worker")
              .endMetadata()
              .withNewSpec()
              .withReplicas(1)
              .withNewSelector()
              .addToMatchLabels("app", "worker")
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .addToLabels("app", "worker")
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("worker")
              .withImage("crashy:1")
              .endContainer()
              .endSpec()
              .endTemplate()
              .endSpec()
              .build());
    }
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(ManifestSource.objects(objects))
        .build();
  }

  private static Throwable catchAll(Runnable r) {
    try {
      r.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static String read(Path f) {
    try {
      return Files.readString(f, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static final class Tee extends OutputStream {
    private final OutputStream real;
    private final OutputStream copy;

    Tee(OutputStream real, OutputStream copy) {
      this.real = real;
      this.copy = copy;
    }

    @Override
    public void write(int b) throws IOException {
      real.write(b);
      synchronized (copy) {
        copy.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      real.write(b, off, len);
      synchronized (copy) {
        copy.write(b, off, len);
      }
    }
  }
}
