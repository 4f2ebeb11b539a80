package dev.previewenv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.CiReport;
import dev.previewenv.core.E2eResults;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Phase;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command of the CLI, through its command line, against the in-process API server with the
 * controller simulator (one server for the class; each test uses its own branches).
 */
class PreviewEnvCliTest {
  static final String PASSING_XML =
      "<testsuite name=\"s\"><testcase classname=\"shop.HealthIT\" name=\"up()\"/></testsuite>";
  static final String FAILING_XML =
      "<testsuite name=\"s\"><testcase classname=\"shop.OrderIT\" name=\"places()\">"
          + "<failure message=\"expected 201 but was 500\" type=\"AssertionError\">t</failure>"
          + "</testcase></testsuite>";

  static KubeTestServer kube;
  static ControllerSimulator sim;

  @TempDir Path dir;

  final Map<String, String> env = new HashMap<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  Clock clock = Clock.systemUTC();
  String stdin = "";

  @BeforeAll
  static void start() {
    kube = new KubeTestServer();
    kube.server()
        .setVersionInfo(
            new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("20")
                .withGitVersion("v1.20.3")
                .build());
    sim =
        ControllerSimulator.start(
            kube,
            SimulatorOptions.builder()
                .job(JobOutcome.of("suite:ok", 0, log(PASSING_XML), ""))
                .job(JobOutcome.of("suite:bad", 1, log(FAILING_XML), ""))
                .job(JobOutcome.of("suite:none", 2, "No tests found\n", "{\"tests\":0}"))
                .build());
  }

  @AfterAll
  static void stop() {
    sim.close();
    kube.close();
  }

  static String log(String xml) {
    return "running\n"
        + E2eResults.encode("TEST-junit-jupiter.xml", xml.getBytes(StandardCharsets.UTF_8))
        + "done\n";
  }

  int run(String... args) {
    PreviewEnvCli.Context context =
        new PreviewEnvCli.Context(
            env::get,
            () -> new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            (kubeconfig, ctx) -> kube.server().createClient(),
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            dir,
            clock);
    return PreviewEnvCli.run(context, args);
  }

  Path stack(String image) throws Exception {
    Path m = Files.createDirectories(dir.resolve("deploy"));
    Files.writeString(
        m.resolve("app.yaml"),
        """
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
                  image: %s
                  env: [{name: API_TOKEN, value: hunter2-canary}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: web}
        spec:
          rules:
            - host: web.example.com
              http:
                paths:
                  - path: /
                    pathType: Prefix
                    backend: {service: {name: web, port: {number: 80}}}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: creds}
        stringData: {password: s3cret-canary}
        """
            .formatted(image));
    return m;
  }

  KubernetesClient client() {
    return kube.client();
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"plan", "up", "e2e", "down", "gc", "status"}) {
      out.getBuffer().setLength(0);
      assertThat(run(command, "--help")).as(command).isZero();
      assertThat(out.toString()).as(command).contains("Usage: previewenv " + command);
    }
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("plan", "up", "e2e", "down", "gc", "status");
  }

  @Test
  void planPrintsRedactedObjectsHostsAndImageChangesWithoutACluster() throws Exception {
    stack("registry.example.com/web:1");
    int code =
        run(
            "plan",
            "--branch",
            "feature/Plan",
            "--manifests",
            "file:deploy",
            "--image",
            "registry.example.com/web=registry.example.com/web:sha-2",
            "--host-format",
            "{env}-{host}");
    String env = EnvironmentName.forBranch("feature/Plan").value();
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("# Environment " + env)
        .contains("# Host " + env + "-web.example.com/ -> service web")
        .contains("# Image override registry.example.com/web=registry.example.com/web:sha-2")
        .contains("# Image deployed registry.example.com/web:sha-2")
        .contains("<redacted>")
        .doesNotContain("s3cret-canary")
        .doesNotContain("hunter2-canary");
    assertThat(client().namespaces().withName(env).get()).isNull();
  }

  @Test
  void planAttachesPullSecretsAndSetsThePullPolicyOfOverriddenContainers() throws Exception {
    stack("registry.example.com/web:1");
    env.put("PREVIEWENV_PULL_SECRETS", "shared/registry-credentials");
    int code =
        run(
            "plan",
            "--branch",
            "feature/Pull",
            "--manifests",
            "file:deploy",
            "--image",
            "registry.example.com/web=registry.example.com/web:sha-3",
            "--pull-secrets-attach",
            "pod-spec",
            "--image-pull-policy",
            "Always");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("imagePullPolicy: \"Always\"")
        .contains("imagePullSecrets")
        .contains("registry-credentials");
    assertThat(run("plan", "--branch", "b", "--manifests", "file:deploy", "--pull-secret", "x"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--pull-secret").contains("namespace/name");
    assertThat(
            run(
                "plan",
                "--branch",
                "b",
                "--manifests",
                "file:deploy",
                "--image-pull-policy",
                "Sometimes"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--image-pull-policy").contains("IfNotPresent");
  }

  @Test
  void anInvalidPlanExitsOneListingEveryProblemAndMissingManifestsIsUsage() throws Exception {
    Files.writeString(
        Files.createDirectories(dir.resolve("bad")).resolve("a.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\nkind: Service\nmetadata: {name: x}\n");
    assertThat(run("plan", "--branch", "b", "--manifests", "bad")).isEqualTo(1);
    assertThat(err.toString())
        .contains("invalid plan")
        .contains("metadata.name")
        .contains("apiVersion");

    assertThat(run("plan", "--branch", "b")).isEqualTo(2);
    assertThat(err.toString()).contains("no manifests: give --manifests kustomize:<dir>");
  }

  @Test
  void upFromEnvironmentVariablesPrintsPhasesUrlsAndReportAndConverges() throws Exception {
    stack("registry.example.com/web:1");
    env.put("GITHUB_HEAD_REF", "feature/Up");
    env.put("PREVIEWENV_MANIFESTS", "file:deploy");
    env.put("PREVIEWENV_IMAGES", "registry.example.com/web=registry.example.com/web:sha-3");
    Path summary = dir.resolve("summary.md");
    env.put("GITHUB_STEP_SUMMARY", summary.toString());
    String ns = EnvironmentName.forBranch("feature/Up").value();

    assertThat(run("up", "--ttl", "2h")).as(err.toString()).isZero();
    assertThat(out.toString())
        .contains("Environment " + ns + " (branch feature/Up")
        .containsPattern("namespace +done in \\d+\\.\\d s")
        .containsPattern("apply +done in")
        .containsPattern("readiness +done in")
        .contains("Ready: namespace " + ns)
        .contains("web: http://" + ns + ".web.example.com/");
    assertThat(
            client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("registry.example.com/web:sha-3");
    CiReport report = CiReport.read(dir.resolve("target/previewenv/report.json"));
    assertThat(report.namespace()).isEqualTo(ns);
    assertThat(report.phases()).containsKeys(Phase.NAMESPACE, Phase.APPLY, Phase.READINESS);
    assertThat(report.imagesDeployed()).containsExactly("registry.example.com/web:sha-3");
    assertThat(Files.readString(summary)).contains("### Preview environment `" + ns + "`");
    assertThat(Files.readString(dir.resolve("target/previewenv/report.json")))
        .doesNotContain("s3cret-canary");

    // again, with another image: converges on the same namespace
    env.put("PREVIEWENV_IMAGES", "registry.example.com/web=registry.example.com/web:sha-4");
    assertThat(run("up", "--no-wait")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Applied: namespace " + ns);
    assertThat(
            client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("registry.example.com/web:sha-4");

    assertThat(run("down", "feature/Up")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Environment " + ns + " deleted");
    assertThat(client().namespaces().withName(ns).get()).isNull();
    CiReport afterDown = CiReport.read(dir.resolve("target/previewenv/report.json"));
    assertThat(afterDown.phases()).containsKeys(Phase.APPLY, Phase.TEARDOWN);
    assertThat(run("down", "feature/Up")).isZero();
    assertThat(out.toString()).contains("nothing to delete");
  }

  @Test
  void upPinDigestsRunsTheDigestTheRegistryNamesAndAMissingTagChangesNothing() throws Exception {
    String digest = "sha256:" + "ab".repeat(32);
    com.sun.net.httpserver.HttpServer registry =
        com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    registry.createContext(
        "/v2/",
        ex -> {
          ex.getResponseHeaders().add("Docker-Distribution-API-Version", "registry/2.0");
          boolean known = ex.getRequestURI().getPath().equals("/v2/shop/web/manifests/pr-7");
          if (known) {
            ex.getResponseHeaders().add("Docker-Content-Digest", digest);
          }
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(known ? 200 : 404, -1);
          ex.close();
        });
    registry.start();
    try {
      String host = "127.0.0.1:" + registry.getAddress().getPort();
      stack("web:1");
      String branch = "feature/pinned";
      assertThat(
              run(
                  "up",
                  "--branch",
                  branch,
                  "--manifests",
                  "deploy",
                  "--image",
                  "web=" + host + "/shop/web:pr-7",
                  "--pin-digests",
                  "--no-wait"))
          .as(err.toString())
          .isZero();
      assertThat(out.toString()).contains("pinned " + host + "/shop/web:pr-7 to " + digest);
      String ns = EnvironmentName.forBranch(branch).value();
      assertThat(
              client()
                  .apps()
                  .deployments()
                  .inNamespace(ns)
                  .withName("web")
                  .get()
                  .getSpec()
                  .getTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getImage())
          .isEqualTo(host + "/shop/web:pr-7@" + digest);

      String gone = "feature/pinned-gone";
      assertThat(
              run(
                  "up",
                  "--branch",
                  gone,
                  "--manifests",
                  "deploy",
                  "--image",
                  "web=" + host + "/shop/web:pr-8",
                  "--pin-digests"))
          .isEqualTo(1);
      assertThat(err.toString()).contains("invalid plan, nothing was changed").contains("pr-8");
      assertThat(client().namespaces().withName(EnvironmentName.forBranch(gone).value()).get())
          .isNull();
    } finally {
      registry.stop(0);
    }
  }

  @Test
  void upSeedsOnceAndAgainOnlyWithReseed() throws Exception {
    Path m = stack("registry.example.com/web:1");
    Files.writeString(
        m.resolve("seed.yaml"),
        """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: seed-web
          annotations: {previewenv.dev/phase: seed}
        spec:
          backoffLimit: 0
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: seed
                  image: registry.example.com/seed:1
        """);
    String ns = EnvironmentName.forBranch("feature/Reseed").value();
    String[] up = {"up", "--branch", "feature/Reseed", "--manifests", "file:deploy", "--no-wait"};

    assertThat(run(up)).as(err.toString()).isZero();
    assertThat(out.toString()).containsPattern("seed +done in");
    String first = seedJobUid(ns);

    assertThat(run(up)).as(err.toString()).isZero();
    assertThat(seedJobUid(ns)).as("second up: the seed is recorded as done").isEqualTo(first);

    String[] reseed = java.util.Arrays.copyOf(up, up.length + 1);
    reseed[up.length] = "--reseed";
    assertThat(run(reseed)).as(err.toString()).isZero();
    String again = seedJobUid(ns);
    assertThat(again).as("--reseed: run again").isNotEqualTo(first);

    env.put("PREVIEWENV_RESEED", "true");
    assertThat(run(up)).as(err.toString()).isZero();
    assertThat(seedJobUid(ns)).as("PREVIEWENV_RESEED=true: run again").isNotEqualTo(again);

    assertThat(run("down", "feature/Reseed")).as(err.toString()).isZero();
  }

  private String seedJobUid(String ns) {
    var job = client().batch().v1().jobs().inNamespace(ns).withName("seed-web").get();
    assertThat(job).as("Job seed-web in " + ns).isNotNull();
    return job.getMetadata().getUid();
  }

  @Test
  void upWithABadSecretOrDurationIsUsageAndChangesNothing() throws Exception {
    stack("web:1");
    assertThat(run("up", "--branch", "bad/secret", "--manifests", "deploy", "--secret", "shared"))
        .isEqualTo(2);
    assertThat(err.toString())
        .contains("--secret")
        .contains("<strategy>:<source namespace>/<name>");
    assertThat(run("up", "--branch", "bad/ttl", "--manifests", "deploy", "--ttl", "soon"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not a positive duration");
    assertThat(
            client().namespaces().withName(EnvironmentName.forBranch("bad/secret").value()).get())
        .isNull();
  }

  @Test
  void aBadOwnerConflictPolicyIsUsageAndAMissingKubeconfigSaysWhatToDo() throws Exception {
    stack("web:1");
    assertThat(
            run("up", "--branch", "bad/policy", "--manifests", "deploy", "--on-conflict", "soon"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("'soon' is not fail (the default), wait:<duration>");

    Path missing = dir.resolve("no-such-kubeconfig");
    int code =
        PreviewEnvCli.run(
            new PreviewEnvCli.Context(
                env::get,
                () -> new ByteArrayInputStream(new byte[0]),
                Connector.kubeconfig(env::get),
                new PrintWriter(out, true),
                new PrintWriter(err, true),
                dir,
                clock),
            "status",
            "--kubeconfig",
            missing.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("previewenv status: ").contains(missing.toString());
  }

  @Test
  void e2eWritesJunitXmlAndExitsZeroOneOrTwo() throws Exception {
    String ns = EnvironmentName.forBranch("feature/E2e").value();
    client()
        .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
        .create();

    assertThat(run("e2e", "--branch", "feature/E2e", "--image", "suite:ok"))
        .as(err.toString())
        .isZero();
    assertThat(out.toString()).contains("PASSED (1 tests, 1 passed");
    assertThat(dir.resolve("target/previewenv-e2e/TEST-junit-jupiter.xml")).hasContent(PASSING_XML);
    CiReport report = CiReport.read(dir.resolve("target/previewenv/report.json"));
    assertThat(report.tests().orElseThrow().passed()).isEqualTo(1);
    assertThat(report.phases()).containsKey(Phase.E2E);

    assertThat(run("e2e", "--branch", "feature/E2e", "--image", "suite:bad", "--junit-dir", "xml"))
        .isEqualTo(1);
    assertThat(out.toString()).contains("FAILED shop.OrderIT#places(): expected 201 but was 500");
    assertThat(dir.resolve("xml/TEST-junit-jupiter.xml")).hasContent(FAILING_XML);

    assertThat(run("e2e", "--branch", "feature/E2e", "--image", "suite:none")).isEqualTo(2);
    assertThat(err.toString()).contains("no verdict: SUITE_ERROR");

    assertThat(run("e2e", "--branch", "feature/Nowhere", "--image", "suite:ok")).isEqualTo(2);
    assertThat(err.toString()).contains("run previewenv up first");
  }

  @Test
  void gcDeletesExpiredAndClosedBranchesKeepsOpenOnesAndStatusListsThem() throws Exception {
    stack("web:1");
    for (String branch : new String[] {"gc/open", "gc/closed", "gc/old"}) {
      assertThat(
              run(
                  "up",
                  "--branch",
                  branch,
                  "--manifests",
                  "deploy",
                  "--no-wait",
                  "--ttl",
                  branch.equals("gc/old") ? "1m" : "4h"))
          .as(err.toString())
          .isZero();
    }
    String open = EnvironmentName.forBranch("gc/open").value();
    String closed = EnvironmentName.forBranch("gc/closed").value();
    String old = EnvironmentName.forBranch("gc/old").value();
    clock = Clock.fixed(Instant.now().plus(Duration.ofMinutes(10)), ZoneOffset.UTC);

    out.getBuffer().setLength(0);
    assertThat(run("status")).isZero();
    assertThat(out.toString())
        .containsPattern(open + " +gc/open .* live")
        .containsPattern(old + " +gc/old .* expired at");

    stdin = "# open branches\ngc/open\n\nsomething/else\n";
    assertThat(run("gc", "--dry-run", "--open-branches", "-")).isZero();
    assertThat(out.toString())
        .contains("Would delete " + closed + " (branch gc/closed): no longer wanted")
        .contains("Would delete " + old + " (branch gc/old): expired at");
    assertThat(client().namespaces().withName(closed).get()).isNotNull();

    assertThat(run("gc", "--open-branches", "-")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("Deleted " + closed).contains("Deleted " + old);
    assertThat(out.toString()).doesNotContain("Deleted " + open);
    assertThat(client().namespaces().withName(open).get()).isNotNull();

    assertThat(run("gc", "--open-branches", "missing.txt")).isEqualTo(2);
    assertThat(err.toString()).contains("missing.txt does not exist");
    run("down", "gc/open");
  }
}
