package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.previewenv.core.E2eResults;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Kustomize;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.PodFailure;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.ByteArrayInputStream;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Canary secret values driven through every output of the CLI: what each command prints on stdout
 * and stderr, every file it writes (diagnostics of a failed {@code up}, the JSON report and the job
 * summary, the JUnit XML of {@code e2e}), its error messages for bad input, and the library's log
 * lines on System.out/System.err. The canaries are a plan Secret's {@code stringData} and {@code
 * data}, a secret copied from a source namespace, a registry password inside a copied pull secret,
 * a bad Secret's value and a kustomize secretGenerator literal. None, plain or base64, may appear
 * anywhere. Each path is also checked to have really been taken, so the test cannot pass on empty
 * output.
 */
class CliCanaryTest {
  private static final String PLAN_CANARY = "canary-cli-plan-5e1b7d3a";
  private static final String DATA_CANARY = "canary-cli-data-c4a9e061";
  private static final String COPIED_CANARY = "canary-cli-copied-8d02f7bb";
  private static final String PULL_CANARY = "canary-cli-pull-19e6a4c5";
  private static final String BAD_CANARY = "canary-cli-bad-b64-77a1!";
  private static final String KUSTOMIZE_CANARY = "canary-cli-kustomize-0f3e2d9c";
  private static final List<String> CANARIES =
      List.of(PLAN_CANARY, DATA_CANARY, COPIED_CANARY, PULL_CANARY, BAD_CANARY, KUSTOMIZE_CANARY);
  private static final String SHARED = "shared";

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();
  private KubeTestServer kube;

  /** Output paths taken: commands run (stdout and stderr), kinds of files written, log lines. */
  private int paths;

  /** Every output, by the path that produced it. */
  private final Map<String, String> outputs = new LinkedHashMap<>();

  private record Run(int code, String out, String err) {
    String both() {
      return out + err;
    }
  }

  @Test
  void noCanaryInAnyOutputOfTheCli() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream realOut = System.out;
    PrintStream realErr = System.err;
    System.setOut(new PrintStream(new Tee(realOut, captured), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(realErr, captured), true, StandardCharsets.UTF_8));
    try {
      exercise();
    } finally {
      System.setOut(realOut);
      System.setErr(realErr);
    }
    String logs = captured.toString(StandardCharsets.UTF_8);
    assertThat(logs).as("the library logged while the CLI ran").contains("canary-e2e");
    outputs.put("library log lines on System.out/System.err", logs);
    paths++;

    Path inputs = dir.resolve("in");
    List<Path> written;
    try (Stream<Path> files = Files.walk(dir)) {
      written = files.filter(Files::isRegularFile).filter(f -> !f.startsWith(inputs)).toList();
    }
    assertThat(written)
        .as("files the CLI wrote")
        .anyMatch(f -> f.endsWith("summary.md") && f.toString().contains("diag"))
        .anyMatch(f -> f.toString().endsWith(".previous.log"))
        .anyMatch(f -> f.endsWith("report.json"))
        .anyMatch(f -> f.endsWith("step-summary.md"))
        .anyMatch(f -> f.endsWith("TEST-canary.xml"));
    paths += 5; // diagnostics (summary and logs), JSON report, job summary, JUnit XML
    for (Path f : written) {
      outputs.put("file " + dir.relativize(f), Files.readString(f, StandardCharsets.ISO_8859_1));
    }

    int leaked = 0;
    List<String> found = new ArrayList<>();
    for (String canary : CANARIES) {
      String b64 = Base64.getEncoder().encodeToString(canary.getBytes(StandardCharsets.UTF_8));
      for (String form : List.of(canary, b64, b64.replaceAll("=+$", ""))) {
        for (Map.Entry<String, String> o : outputs.entrySet()) {
          int at = o.getValue().indexOf(form);
          if (at >= 0) {
            leaked++;
            found.add(
                o.getKey()
                    + ": ..."
                    + o.getValue()
                        .substring(
                            Math.max(0, at - 200), Math.min(o.getValue().length(), at + 60)));
          }
        }
      }
    }
    System.out.println(
        "RELIABILITY canary-cli paths="
            + paths
            + " outputs="
            + outputs.size()
            + " canaries="
            + CANARIES.size()
            + " leaked="
            + leaked);
    if (leaked > 0) {
      fail("canary found in %d output(s):%n%s", leaked, String.join("\n----\n", found));
    }
  }

  private void exercise() throws Exception {
    writeInputs();
    Path summary = dir.resolve("out/step-summary.md");
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    String failingLog =
        "starting\nusing token "
            + PLAN_CANARY
            + ", db password "
            + DATA_CANARY
            + ", api key "
            + COPIED_CANARY
            + "\ndocker login -p "
            + PULL_CANARY
            + " registry.example.com\nfatal\n";
    String e2eLog =
        "login with "
            + PLAN_CANARY
            + " and "
            + PULL_CANARY
            + "\n"
            + E2eResults.encode(
                "TEST-canary.xml",
                ("<testsuite name=\"s\" tests=\"2\" failures=\"1\">"
                        + "<testcase classname=\"shop.CanaryIT\" name=\"ok()\"/>"
                        + "<testcase classname=\"shop.CanaryIT\" name=\"leaks()\">"
                        + "<failure message=\"expected "
                        + COPIED_CANARY
                        + " but was "
                        + DATA_CANARY
                        + "\" type=\"AssertionError\">at "
                        + PLAN_CANARY
                        + "</failure><system-out>"
                        + PULL_CANARY
                        + "</system-out></testcase></testsuite>")
                    .getBytes(StandardCharsets.UTF_8))
            + "done with "
            + COPIED_CANARY
            + "\n";
    String noVerdictLog = "No tests found; the token was " + PLAN_CANARY + "\n";
    String previousKustomize = System.getProperty(Kustomize.PROPERTY);
    try (KubeTestServer server = new KubeTestServer()) {
      kube = server;
      kube.server()
          .setVersionInfo(
              new VersionInfo.Builder()
                  .withMajor("1")
                  .withMinor("20")
                  .withGitVersion("v1.20.3")
                  .build());
      try (ControllerSimulator sim =
          ControllerSimulator.start(
              kube,
              SimulatorOptions.builder()
                  .readyDelay(Duration.ZERO)
                  .failing("crashy", PodFailure.CRASH_LOOP_BACK_OFF)
                  .crashLog(failingLog)
                  .job(
                      JobOutcome.of(
                          "suite:canary", 1, e2eLog, "suite failed near " + COPIED_CANARY))
                  .job(JobOutcome.of("suite:none", 2, noVerdictLog, "{\"tests\":0}"))
                  .build())) {
        sourceSecrets(kube.client());
        exerciseCommands();
      }
    } finally {
      if (previousKustomize == null) {
        System.clearProperty(Kustomize.PROPERTY);
      } else {
        System.setProperty(Kustomize.PROPERTY, previousKustomize);
      }
    }
  }

  private void exerciseCommands() throws Exception {
    List<String> stack =
        List.of("--secret", "copy:shared/app-creds", "--pull-secret", "shared/regcred");

    // plan: the objects as YAML, secret values redacted
    Run plan =
        run(
            "plan",
            "--branch",
            "canary/plan",
            "--manifests",
            "in/ok",
            "--pull-secret",
            "shared/regcred");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains("kind: \"Secret\"").contains("<redacted>");
    record("plan", plan);

    // up with a workload that crash-loops logging the canaries, Secrets unlistable there (the
    // CrashLoopBackOff fails readiness at once; the timeout is only the bound)
    String failingNs = EnvironmentName.forBranch("canary/fail").value();
    kube.server()
        .expect()
        .get()
        .withPath("/api/v1/namespaces/" + failingNs + "/secrets")
        .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
        .always();
    Run up =
        run(
            concat(
                List.of(
                    "up",
                    "--branch",
                    "canary/fail",
                    "--manifests",
                    "in/failing",
                    "--readiness-timeout",
                    "60s",
                    "--diagnostics-dir",
                    "out/diag"),
                stack));
    assertThat(up.code()).as(up.both()).isEqualTo(1);
    assertThat(up.err()).contains("Diagnostics:").contains("worker");
    record("up, failing", up);
    String previousLogs;
    try (Stream<Path> files = Files.walk(dir.resolve("out/diag"))) {
      previousLogs =
          files
              .filter(f -> f.toString().endsWith(".previous.log"))
              .map(CliCanaryTest::read)
              .reduce("", String::concat);
    }
    assertThat(previousLogs).as("the crash log was collected").contains("<redacted>");
    assertThat(dir.resolve("out/diag/" + failingNs + "/summary.md"))
        .as("diagnostics written while Secrets could not be listed")
        .content()
        .contains("list Secrets");

    // up that succeeds: phases, URLs, the report and the job summary
    Run upOk =
        run(
            concat(
                List.of(
                    "up",
                    "--branch",
                    "canary/e2e",
                    "--manifests",
                    "in/ok",
                    "--report",
                    "out/report.json"),
                stack));
    assertThat(upOk.code()).as(upOk.both()).isZero();
    String upNamespace = EnvironmentName.forBranch("canary/e2e").value();
    assertThat(upOk.out()).contains("Ready: namespace " + upNamespace).contains("Report: ");
    record("up", upOk);

    // e2e: the log stream, failures, JUnit XML, report and job summary
    Run e2e =
        run(
            "e2e",
            "--branch",
            "canary/e2e",
            "--image",
            "suite:canary",
            "--junit-dir",
            "out/junit",
            "--report",
            "out/report.json");
    assertThat(e2e.code()).as(e2e.both()).isEqualTo(1);
    assertThat(e2e.out())
        .contains("  | login with <redacted>")
        .contains("FAILED shop.CanaryIT#leaks()")
        .contains("JUnit XML: 1 report(s)");
    assertThat(dir.resolve("out/junit/TEST-canary.xml")).content().contains("redacted");
    record("e2e, failed tests", e2e);

    // e2e without a verdict: the cause on stderr
    Run none =
        run(
            "e2e",
            "--branch",
            "canary/e2e",
            "--image",
            "suite:none",
            "--junit-dir",
            "out/junit-none",
            "--report",
            "out/report.json");
    assertThat(none.code()).as(none.both()).isEqualTo(2);
    assertThat(none.err()).contains("no verdict");
    assertThat(none.out()).contains("No tests found; the token was <redacted>");
    record("e2e, no verdict", none);

    // up that the API server refuses, its message echoing the values (as a webhook may)
    String rejectedNs = EnvironmentName.forBranch("canary/rejected").value();
    String rejection =
        "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":422,"
            + "\"reason\":\"Invalid\",\"message\":\"Secret is invalid: policy forbids the values "
            + PLAN_CANARY
            + " and "
            + COPIED_CANARY
            + " and "
            + DATA_CANARY
            + "\"}";
    kube.server()
        .expect()
        .post()
        .withPath("/api/v1/namespaces/" + rejectedNs + "/secrets")
        .andReturn(422, rejection)
        .always();
    Run rejected =
        run(
            concat(
                List.of(
                    "up",
                    "--branch",
                    "canary/rejected",
                    "--manifests",
                    "in/ok",
                    "--diagnostics-dir",
                    "out/diag"),
                stack));
    assertThat(rejected.code()).as(rejected.both()).isEqualTo(1);
    assertThat(rejected.err()).contains("previewenv up: ").contains("422");
    record("up, refused by the API server", rejected);

    Run status = run("status");
    assertThat(status.code()).as(status.err()).isZero();
    assertThat(status.out()).contains(failingNs).contains("canary/e2e");
    record("status", status);

    Run gc = run("gc", "--dry-run");
    assertThat(gc.code()).as(gc.err()).isZero();
    record("gc --dry-run", gc);

    // bad input: a Secret whose data is not base64, broken YAML inside a Secret, kustomize's stderr
    Run badData = run("plan", "--branch", "canary/bad", "--manifests", "in/bad-data");
    assertThat(badData.code()).as(badData.both()).isEqualTo(1);
    assertThat(badData.err()).contains("invalid plan").contains("password");
    record("plan, Secret data not base64", badData);

    Run badYaml = run("up", "--branch", "canary/yaml", "--manifests", "in/bad-yaml");
    assertThat(badYaml.code()).as(badYaml.both()).isEqualTo(1);
    assertThat(badYaml.err()).contains("invalid plan").contains("secret.yaml");
    record("up, broken YAML", badYaml);

    System.setProperty(Kustomize.PROPERTY, dir.resolve("in/fake-kustomize").toString());
    Run kustomize = run("plan", "--branch", "canary/k", "--manifests", "kustomize:in/kustomize");
    assertThat(kustomize.code()).as(kustomize.both()).isEqualTo(1);
    assertThat(kustomize.err()).contains("password=<redacted>");
    record("plan, kustomize stderr", kustomize);

    Run badSecret = run("up", "--branch", "canary/bad", "--manifests", "in/ok", "--secret", "x");
    assertThat(badSecret.code()).isEqualTo(2);
    assertThat(badSecret.err()).contains("--secret");
    record("up, bad --secret", badSecret);

    // down, with its report (the failing environment stays: its Secrets are unlistable, so the
    // simulated namespace controller cannot empty it)
    Run down = run("down", "canary/e2e", "--report", "out/report.json");
    assertThat(down.code()).as(down.both()).isZero();
    assertThat(down.out()).contains("deleted");
    record("down", down);
    assertThat(kube.client().namespaces().withName(upNamespace).get()).isNull();
  }

  private void record(String path, Run run) {
    assertThat(run.both()).as(path).isNotBlank();
    paths++;
    outputs.put(path + ": stdout", run.out());
    outputs.put(path + ": stderr", run.err());
  }

  private Run run(List<String> args) {
    return run(args.toArray(String[]::new));
  }

  private Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    PreviewEnvCli.Context context =
        new PreviewEnvCli.Context(
            env::get,
            () -> new ByteArrayInputStream(new byte[0]),
            (kubeconfig, ctx) -> kube.server().createClient(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            dir,
            Clock.systemUTC());
    int code = PreviewEnvCli.run(context, args);
    return new Run(code, out.toString(), err.toString());
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void sourceSecrets(KubernetesClient client) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(SHARED).endMetadata().build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("app-creds")
                .withNamespace(SHARED)
                .endMetadata()
                .addToStringData("apikey", COPIED_CANARY)
                .build())
        .create();
    String auth =
        Base64.getEncoder().encodeToString(("ci:" + PULL_CANARY).getBytes(StandardCharsets.UTF_8));
    String dockerConfig =
        "{\"auths\":{\"registry.example.com\":{\"username\":\"ci\",\"password\":\""
            + PULL_CANARY
            + "\",\"auth\":\""
            + auth
            + "\"}}}";
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("regcred")
                .withNamespace(SHARED)
                .endMetadata()
                .withType("kubernetes.io/dockerconfigjson")
                .addToData(
                    ".dockerconfigjson",
                    Base64.getEncoder()
                        .encodeToString(dockerConfig.getBytes(StandardCharsets.UTF_8)))
                .build())
        .create();
  }

  private void writeInputs() throws IOException {
    String secrets =
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: app}
        stringData: {token: %s}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: db}
        data: {password: %s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  image: registry.example.com/web:1
                  envFrom: [{secretRef: {name: app}}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """
            .formatted(
                PLAN_CANARY,
                Base64.getEncoder().encodeToString(DATA_CANARY.getBytes(StandardCharsets.UTF_8)));
    Files.writeString(Files.createDirectories(dir.resolve("in/ok")).resolve("stack.yaml"), secrets);
    Files.writeString(
        Files.createDirectories(dir.resolve("in/failing")).resolve("stack.yaml"),
        secrets
            + """
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: worker}
            spec:
              replicas: 1
              selector: {matchLabels: {app: worker}}
              template:
                metadata: {labels: {app: worker}}
                spec:
                  containers:
                    - name: worker
                      image: crashy:1
                      envFrom: [{secretRef: {name: app}}, {secretRef: {name: db}}]
            """);
    Files.writeString(
        Files.createDirectories(dir.resolve("in/bad-data")).resolve("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: bad}\ndata: {password: \""
            + BAD_CANARY
            + "\"}\n");
    Files.writeString(
        Files.createDirectories(dir.resolve("in/bad-yaml")).resolve("secret.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata: {name: broken}\nstringData:\n  token: "
            + PLAN_CANARY
            + "\n   password: "
            + DATA_CANARY
            + ": [\n");
    Path k = Files.createDirectories(dir.resolve("in/kustomize"));
    Files.writeString(
        k.resolve("kustomization.yaml"),
        "secretGenerator:\n- name: db\n  literals:\n  - password=" + KUSTOMIZE_CANARY + "\n");
    Path fake = dir.resolve("in/fake-kustomize");
    Files.writeString(
        fake,
        "#!/bin/sh\necho \"Error: secretGenerator db: bad literal password="
            + KUSTOMIZE_CANARY
            + "\" >&2\nexit 1\n");
    Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
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
