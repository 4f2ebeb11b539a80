package dev.previewenv.core;

import static dev.previewenv.core.reliability.ReliabilityPlans.CANARY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.previewenv.core.internal.kube.Keys;
import dev.previewenv.core.internal.provision.OwnerLease;
import dev.previewenv.core.internal.retry.RetryPolicy;
import dev.previewenv.core.reliability.CrashChild;
import dev.previewenv.core.reliability.FaultyApiServer;
import dev.previewenv.core.reliability.ReliabilityPlans;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reliability scenarios of issue 7. Each prints {@code RELIABILITY <scenario> runs=N ok=N
 * leaked=N} and asserts {@code ok == runs} and {@code leaked == 0}. Everything written to
 * System.out and System.err while they run (SLF4J simple logs to System.err), every exception they
 * see and the diagnostics they write are checked for the canary secret value by the last scenario.
 *
 * <p>System property {@code previewenv.reliability.long=true} runs 1,000 fault cycles instead of
 * 100 (about ten times as long).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityTest {
  private static final RetryPolicy TEST_RETRIES =
      RetryPolicy.defaults()
          .withLimits(8, Duration.ofSeconds(30))
          .withBackoff(Duration.ofMillis(20), Duration.ofMillis(500))
          .withSeed(7);
  private static final java.util.regex.Pattern SECRET_PATH =
      java.util.regex.Pattern.compile(".*/namespaces/[^/]+/secrets(/[^/?]+)?(\\?.*)?");
  private static final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private static final List<String> exceptions = new ArrayList<>();
  private static final List<Path> diagnostics = new ArrayList<>();
  private static PrintStream originalOut;
  private static PrintStream originalErr;

  @TempDir static Path tmp;

  @BeforeAll
  static void captureOutput() {
    originalOut = System.out;
    originalErr = System.err;
    System.setOut(new PrintStream(new Tee(originalOut), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(originalErr), true, StandardCharsets.UTF_8));
  }

  @AfterAll
  static void restoreOutput() {
    System.setOut(originalOut);
    System.setErr(originalErr);
  }

  /** Writes to the real stream and to the capture. */
  private static final class Tee extends OutputStream {
    private final OutputStream real;

    Tee(OutputStream real) {
      this.real = real;
    }

    @Override
    public void write(int b) throws IOException {
      real.write(b);
      synchronized (captured) {
        captured.write(b);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      real.write(b, off, len);
      synchronized (captured) {
        captured.write(b, off, len);
      }
    }
  }

  private static void seen(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    synchronized (exceptions) {
      exceptions.add(w.toString());
    }
  }

  private static void report(String scenario, int runs, int ok, int leaked) {
    System.out.println(
        "RELIABILITY " + scenario + " runs=" + runs + " ok=" + ok + " leaked=" + leaked);
    assertThat(ok).as(scenario + ": ok").isEqualTo(runs);
    assertThat(leaked).as(scenario + ": leaked").isZero();
  }

  private static Plan plan(String branch, List<HasMetadata> objects) {
    return Plan.builder(EnvironmentName.forBranch(branch))
        .source(ManifestSource.objects(objects))
        .build();
  }

  private static List<Namespace> managed(KubernetesClient direct) {
    return direct.namespaces().withLabel(Keys.MANAGED_BY, Keys.MANAGED_BY_VALUE).list().getItems();
  }

  private static Provisioner provisioner(KubernetesClient client) {
    return Provisioner.forClient(client)
        .withOwner("reliability-test")
        .withoutReadinessWait()
        .withRetryPolicy(TEST_RETRIES)
        .withDiagnosticsRoot(tmp.resolve("diagnostics"));
  }

  // 1. Faults -------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void faultInjectedCyclesAllConvergeAndLeaveNothing() throws Exception {
    int cycles = Boolean.getBoolean("previewenv.reliability.long") ? 1000 : 100;
    int workers = 4;
    try (FaultyApiServer api = new FaultyApiServer(20240601L)) {
      api.faults(0.10, 0.05, 0.02, 50);
      Provisioner provisioner = provisioner(api.client());
      ExecutorService pool = Executors.newFixedThreadPool(workers);
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < cycles; i++) {
        String branch = "faults/cycle-" + (i % 25) + "-" + (i / 25);
        results.add(
            pool.submit(
                () -> {
                  try {
                    Plan plan = plan(branch, ReliabilityPlans.small());
                    try (Preview preview = provisioner.up(plan)) {
                      KubernetesClient d = api.direct();
                      return d.configMaps()
                                  .inNamespace(preview.namespace())
                                  .withName("settings")
                                  .get()
                              != null
                          && d.apps()
                                  .deployments()
                                  .inNamespace(preview.namespace())
                                  .withName("api")
                                  .get()
                              != null;
                    }
                  } catch (RuntimeException e) {
                    seen(e);
                    System.out.println("fault cycle " + branch + " failed: " + e);
                    return false;
                  }
                }));
      }
      int ok = 0;
      for (Future<Boolean> f : results) {
        ok += f.get(10, TimeUnit.MINUTES) ? 1 : 0;
      }
      pool.shutdown();
      System.out.println("fault injection: " + api.injected());
      api.noFaults();
      int leaked = managed(api.direct()).size();
      report("faults", cycles, ok, leaked);
      assertThat(api.injected()).doesNotContain("503=0 ").doesNotContain("429=0 ");
    }
  }

  // 2. Crash --------------------------------------------------------------------------------------

  @Test
  @Order(2)
  void environmentsOfKilledOwnersAreCollectedAndUpAgainConverges() throws Exception {
    int points = 20;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    int ok = 0;
    int leaked = 0;
    List<String> outcomes = new ArrayList<>();
    try (FaultyApiServer api = new FaultyApiServer(7L)) {
      for (int k = 1; k <= points; k++) {
        String branch = "crash/point-" + k;
        EnvironmentName env = EnvironmentName.forBranch(branch);
        AtomicReference<Process> child = new AtomicReference<>();
        AtomicBoolean killedByRequest = new AtomicBoolean();
        int killAt = api.requests() + k;
        api.onRequest(
            r -> {
              Process p = child.get();
              if (p != null
                  && api.requests() == killAt
                  && killedByRequest.compareAndSet(false, true)) {
                p.destroyForcibly(); // SIGKILL; the k-th request is carried out, its answer lost
                try {
                  p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
        Process p =
            new ProcessBuilder(
                    java,
                    "-Xshare:auto",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    classpath,
                    CrashChild.class.getName(),
                    // the child talks to the server through the proxy too (no faults are on)
                    api.url(),
                    branch)
                .redirectErrorStream(true)
                .start();
        child.set(p);
        StringBuilder childOutput = new StringBuilder();
        try (BufferedReader r =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            childOutput.append(line).append('\n');
            if (line.startsWith("UP ")) {
              p.destroyForcibly(); // provisioned before the k-th request: kill it holding the env
            }
          }
        } catch (IOException streamClosedByKill) {
          // destroyForcibly closes the child's streams
        }
        p.waitFor(30, TimeUnit.SECONDS);
        api.onRequest(null);
        synchronized (captured) {
          captured.writeBytes(childOutput.toString().getBytes(StandardCharsets.UTF_8));
        }
        boolean existedAfterKill = api.direct().namespaces().withName(env.value()).get() != null;

        // the owner is dead: its lease is not renewed; the janitor of a later moment collects it
        Instant later = Instant.now().plus(Duration.ofMinutes(2));
        JanitorReport report = provisioner(api.direct()).janitor().gc(later);
        boolean collected = api.direct().namespaces().withName(env.value()).get() == null;
        outcomes.add(
            "k="
                + k
                + (killedByRequest.get() ? " killed mid-up" : " killed after up")
                + (existedAfterKill ? ", orphan: " + reasons(report) : ", nothing created"));

        Plan plan = plan(branch, ReliabilityPlans.crashPlanObjects());
        boolean converged;
        try (Preview preview = provisioner(api.direct()).up(plan)) {
          converged =
              api.direct().configMaps().inNamespace(preview.namespace()).list().getItems().size()
                      == 9
                  && api.direct()
                          .apps()
                          .deployments()
                          .inNamespace(preview.namespace())
                          .list()
                          .getItems()
                          .size()
                      == 2;
        }
        if (collected && converged && (!existedAfterKill || !report.deleted().isEmpty())) {
          ok++;
        }
        leaked += managed(api.direct()).size();
      }
    }
    outcomes.forEach(System.out::println);
    report("crash", points, ok, leaked);
    assertThat(outcomes).anyMatch(o -> o.contains("killed mid-up") && o.contains("orphan"));
  }

  private static String reasons(JanitorReport report) {
    return report.removals().stream().map(JanitorReport.Removal::reason).toList().toString();
  }

  // 3. Names --------------------------------------------------------------------------------------

  @Test
  @Order(3)
  void branchNamesGiveValidDeterministicDistinctNamesOrAClearError() {
    Random random = new Random(12345);
    String alphabet =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_/.#@ äöüßéçñ中文фи🚀'\"\\";
    int[] cps = alphabet.codePoints().toArray();
    List<String> branches = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      StringBuilder sb = new StringBuilder();
      int len = 1 + random.nextInt(random.nextInt(10) == 0 ? 300 : 40);
      for (int j = 0; j < len; j++) {
        sb.appendCodePoint(cps[random.nextInt(cps.length)]);
      }
      branches.add(sb.toString());
    }
    List<String> adversarial =
        List.of(
            "feature/Login-Fix",
            "FEATURE/LOGIN-FIX",
            "feature/login-fix",
            "Feature/Login-Fix",
            "feature/login_fix",
            "fix the bug please",
            "it's \"quoted\"",
            "../../etc/passwd",
            "..\\..\\windows",
            "x".repeat(300),
            "a-".repeat(150),
            "kube-system",
            "KUBE-SYSTEM",
            "default",
            "kube-public",
            "ünïcödé/brånch",
            "中文分支",
            "фича/логин",
            "🚀 launch",
            "emoji-🔥-fire",
            "refs/heads/main",
            "1234567",
            "release/1.2.3",
            "a".repeat(63),
            "a".repeat(64),
            "feature-x-0123abcd");
    List<String> noLetterOrDigit = List.of("", "   ", "!!!", "---", "../..", "🚀🔥", "/", "'\"");
    List<String> all = new ArrayList<>(branches);
    all.addAll(adversarial);
    int runs = 0;
    int ok = 0;
    Map<String, String> byName = new HashMap<>();
    Set<String> collisions = new TreeSet<>();
    for (String branch : all) {
      runs++;
      String canonical = branch.strip();
      EnvironmentName name;
      try {
        name = EnvironmentName.forBranch(branch);
      } catch (IllegalArgumentException e) {
        boolean expected =
            canonical.codePoints().noneMatch(Character::isLetterOrDigit)
                && e.getMessage().contains("has no letter or digit");
        ok += expected ? 1 : 0;
        continue;
      }
      String v = name.value();
      boolean valid =
          v.length() <= 63
              && v.matches("[a-z]([a-z0-9-]*[a-z0-9])?")
              && !v.equals("default")
              && !v.startsWith("kube-")
              && EnvironmentName.forBranch(branch).value().equals(v);
      String previous = byName.putIfAbsent(v, canonical);
      if (previous != null && !previous.equals(canonical)) {
        collisions.add(v + " <- [" + previous + "] and [" + canonical + "]");
      }
      ok += valid ? 1 : 0;
    }
    for (String bad : noLetterOrDigit) {
      runs++;
      Throwable t = catchThrowable(() -> EnvironmentName.forBranch(bad));
      if (t instanceof IllegalArgumentException && t.getMessage().contains("no letter or digit")) {
        ok++;
      }
    }
    assertThat(
            Stream.of("feature/Login-Fix", "FEATURE/LOGIN-FIX", "feature/login-fix")
                .map(b -> EnvironmentName.forBranch(b).value())
                .distinct())
        .hasSize(3);
    assertThat(EnvironmentName.forBranch("kube-system").value()).startsWith("b-kube-system-");
    assertThat(EnvironmentName.forBranch("../../etc/passwd").value()).doesNotContain(".", "/");
    assertThat(collisions).isEmpty();
    report("names", runs, ok, collisions.size());
  }

  // 4. Bad manifests ------------------------------------------------------------------------------

  private record BadCase(String name, String expectedInMessage, Runnable run) {}

  /**
   * Namespaces and the objects of the relevant kinds, with resource versions. Objects in a
   * namespace that no longer exists are left out: the namespace controller of a real cluster
   * deletes them, the in-process server keeps them.
   */
  private static List<String> snapshot(KubernetesClient d) {
    Set<String> existing = new HashSet<>();
    d.namespaces().list().getItems().forEach(n -> existing.add(n.getMetadata().getName()));
    List<String> state = new ArrayList<>();
    d.namespaces().list().getItems().forEach(o -> state.add(key(o)));
    d.configMaps().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.secrets().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.apps().deployments().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.services().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.network().v1().ingresses().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.leases().inAnyNamespace().list().getItems().forEach(o -> state.add(key(o)));
    d.rbac().clusterRoles().list().getItems().forEach(o -> state.add(key(o)));
    state.removeIf(
        k -> {
          String ns = k.split("/")[1];
          return !ns.equals("null") && !existing.contains(ns);
        });
    state.sort(null);
    return state;
  }

  private static String key(HasMetadata o) {
    return o.getKind()
        + "/"
        + o.getMetadata().getNamespace()
        + "/"
        + o.getMetadata().getName()
        + "@"
        + o.getMetadata().getResourceVersion();
  }

  private static HasMetadata ingress(String name, String host) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath("/")
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName("api")
        .withNewPort()
        .withNumber(80)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  @Test
  @Order(4)
  void badInputFailsClearlyAndChangesNothingOnTheServer() {
    try (FaultyApiServer api = new FaultyApiServer(4L)) {
      KubernetesClient d = api.direct();
      d.namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
          .create();
      d.namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName("helm-owned")
                  .addToLabels(Keys.MANAGED_BY, "helm")
                  .endMetadata()
                  .build())
          .create();
      Provisioner provisioner =
          provisioner(api.client()).withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE);
      EnvironmentName env = EnvironmentName.forBranch("bad/input");
      Supplier<Plan.Builder> b = () -> Plan.builder(env);
      List<BadCase> cases =
          List.of(
              new BadCase(
                  "malformed YAML",
                  "broken.yaml",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.yaml(
                                  "broken.yaml",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: [x\n"))
                          .build()),
              new BadCase(
                  "missing kind",
                  "kind",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.yaml(
                                  "nokind.yaml", "apiVersion: v1\nmetadata:\n  name: x\n"))
                          .build()),
              new BadCase(
                  "missing apiVersion",
                  "apiVersion",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.yaml(
                                  "noapi.yaml", "kind: ConfigMap\nmetadata:\n  name: x\n"))
                          .build()),
              new BadCase(
                  "missing name",
                  "name",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.yaml(
                                  "noname.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n"))
                          .build()),
              new BadCase(
                  "generateName",
                  "generateName",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.yaml(
                                  "gen.yaml",
                                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  generateName: x-\n"))
                          .build()),
              new BadCase(
                  "a list instead of an object",
                  "list.yaml",
                  () -> b.get().source(ManifestSource.yaml("list.yaml", "- a\n- b\n")).build()),
              new BadCase(
                  "empty source",
                  "empty.yaml",
                  () -> b.get().source(ManifestSource.yaml("empty.yaml", "# nothing\n")).build()),
              new BadCase(
                  "duplicate objects",
                  "dup",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.objects(
                                  ReliabilityPlans.configMap("dup"),
                                  ReliabilityPlans.configMap("dup")))
                          .build()),
              new BadCase(
                  "over-long host",
                  "a".repeat(50),
                  () ->
                      b.get()
                          .hostFormat("{env}-{host}")
                          .source(
                              ManifestSource.objects(
                                  ingress("web", "a".repeat(50) + ".example.com")))
                          .build()),
              new BadCase(
                  "cluster-scoped object",
                  "ClusterRole",
                  () ->
                      b.get()
                          .source(
                              ManifestSource.objects(
                                  new ClusterRoleBuilder()
                                      .withNewMetadata()
                                      .withName("evil")
                                      .endMetadata()
                                      .build()))
                          .build()),
              new BadCase(
                  "foreign namespace",
                  "team-b",
                  () -> {
                    HasMetadata cm = ReliabilityPlans.configMap("elsewhere");
                    cm.getMetadata().setNamespace("team-b");
                    b.get().source(ManifestSource.objects(cm)).build();
                  }),
              new BadCase(
                  "unknown image override, strict",
                  "nosuch",
                  () ->
                      b.get()
                          .source(ManifestSource.objects(ReliabilityPlans.deployment("api")))
                          .image("nosuch=registry.example.com/nosuch:2")
                          .strictImages(true)
                          .build()),
              new BadCase(
                  "image overridden twice",
                  "more than once",
                  () ->
                      b.get()
                          .source(ManifestSource.objects(ReliabilityPlans.deployment("api")))
                          .image("registry.example.com/api=registry.example.com/api:2")
                          .image("registry.example.com/api=registry.example.com/api:3")
                          .build()),
              new BadCase(
                  "protection selector matching nothing",
                  "tier",
                  () ->
                      b.get()
                          .source(ManifestSource.objects(ingress("web", "web.example.com")))
                          .protectLabelled(Map.of("tier", "admin"))
                          .authHost("auth.example.com")
                          .build()),
              new BadCase(
                  "protected ingress missing",
                  "pgadmin",
                  () ->
                      b.get()
                          .source(ManifestSource.objects(ingress("web", "web.example.com")))
                          .protect("pgadmin")
                          .authHost("auth.example.com")
                          .build()),
              new BadCase(
                  "missing source secret",
                  "shared/nope",
                  () ->
                      provisioner
                          .withSecrets(SecretSpec.copy("shared", "nope"))
                          .up(plan("bad/input", ReliabilityPlans.small()))),
              new BadCase(
                  "namespace labelled by another tool",
                  "helm",
                  () -> provisioner.up(TestPlans.plan("helm-owned", List.of(), List.of()))),
              new BadCase(
                  "object rejected by the server (422) half-way",
                  "rejected",
                  () -> {
                    api.override(
                        r ->
                            "POST".equals(r.getMethod())
                                    && r.getPath().endsWith("/configmaps")
                                    && new String(r.getBody().getBytes(), StandardCharsets.UTF_8)
                                        .contains("\"rejected\"")
                                ? FaultyApiServer.status(
                                    422, "Invalid", "ConfigMap \\\"rejected\\\" is invalid")
                                : null);
                    try {
                      provisioner.up(
                          plan(
                              "bad/input",
                              List.of(
                                  ReliabilityPlans.secret("creds"),
                                  ReliabilityPlans.configMap("fine"),
                                  ReliabilityPlans.configMap("rejected"))));
                    } finally {
                      api.override(null);
                    }
                  }),
              new BadCase(
                  "forbidden (403) names the missing RBAC rule",
                  "apiGroups: [\"apps\"], resources: [deployments], verbs: [create]",
                  () -> {
                    api.override(
                        r ->
                            "POST".equals(r.getMethod()) && r.getPath().endsWith("/deployments")
                                ? FaultyApiServer.status(403, "Forbidden", "forbidden")
                                : null);
                    try {
                      provisioner.up(plan("bad/input", ReliabilityPlans.small()));
                    } finally {
                      api.override(null);
                    }
                  }),
              new BadCase(
                  "preflight lists every missing permission",
                  "verbs: [delete]",
                  () ->
                      provisioner
                          .withPreflight(true)
                          .withAccessReviewer(
                              p ->
                                  !(p.resource().equals("deployments")
                                      || p.verb().equals("delete")))
                          .up(plan("bad/input", ReliabilityPlans.small()))));
      int ok = 0;
      for (BadCase c : cases) {
        List<String> before = snapshot(d);
        Throwable t = catchThrowable(c.run()::run);
        List<String> after = snapshot(d);
        boolean clear =
            t instanceof PreviewEnvException
                && t.getMessage() != null
                && t.getMessage().contains(c.expectedInMessage());
        if (t != null) {
          seen(t);
        }
        boolean unchanged = before.equals(after);
        if (clear && unchanged) {
          ok++;
        } else {
          System.out.println(
              "bad input case '"
                  + c.name()
                  + "': clear="
                  + clear
                  + " unchanged="
                  + unchanged
                  + " error="
                  + t
                  + (unchanged ? "" : " before=" + before + " after=" + after));
        }
      }
      assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
      report("bad-manifests", cases.size(), ok, managed(d).size());
    }
  }

  // 5. Guard --------------------------------------------------------------------------------------

  @Test
  @Order(5)
  void foreignAndKubernetesNamespacesAreNeverDeletedOrAdopted() {
    try (FaultyApiServer api = new FaultyApiServer(5L)) {
      KubernetesClient d = api.direct();
      String past = "2000-01-01T00:00:00Z";
      Map<String, Map<String, String>> guarded = new LinkedHashMap<>();
      guarded.put("default", Keys.labels("default")); // even labelled as ours
      guarded.put("kube-system", Keys.labels("kube-system"));
      guarded.put("team-a", Map.of());
      guarded.put("helm-app", Map.of(Keys.MANAGED_BY, "helm", Keys.ENVIRONMENT, "helm-app"));
      for (var e : guarded.entrySet()) {
        d.namespaces()
            .resource(
                new NamespaceBuilder()
                    .withNewMetadata()
                    .withName(e.getKey())
                    .withLabels(e.getValue())
                    .addToAnnotations(Keys.EXPIRES_AT, past)
                    .addToAnnotations(Keys.HEARTBEAT_SINCE, past)
                    .addToAnnotations(Keys.HEARTBEAT_SECONDS, "30")
                    .endMetadata()
                    .build())
            .create();
        d.leases()
            .resource(
                new LeaseBuilder()
                    .withNewMetadata()
                    .withName(OwnerLease.NAME)
                    .withNamespace(e.getKey())
                    .withLabels(Keys.labels(e.getKey()))
                    .endMetadata()
                    .withNewSpec()
                    .withHolderIdentity("dead-owner")
                    .withLeaseDurationSeconds(30)
                    .withRenewTime(ZonedDateTime.of(2000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
                    .endSpec()
                    .build())
            .create();
        d.configMaps()
            .inNamespace(e.getKey())
            .resource(
                (io.fabric8.kubernetes.api.model.ConfigMap) ReliabilityPlans.configMap("precious"))
            .create();
      }
      List<String> before = snapshot(d);
      Provisioner provisioner = provisioner(api.client());
      int runs = 0;
      int ok = 0;
      Instant farFuture = Instant.parse("2100-01-01T00:00:00Z");
      for (String ns : guarded.keySet()) {
        // the janitor, also one that wants nothing kept
        runs++;
        JanitorReport report = provisioner.janitor().withKeep(info -> false).gc(farFuture);
        ok +=
            report.removals().stream().noneMatch(r -> r.environment().namespace().equals(ns))
                ? 1
                : 0;
        // teardown
        runs++;
        Throwable down =
            catchThrowable(
                () -> {
                  provisioner.down(EnvironmentName.of(ns));
                });
        if (down != null) {
          seen(down);
        }
        ok += down != null ? 1 : 0;
        // re-up with a plan for that very namespace, or the name a branch of that name gets
        runs++;
        Throwable up =
            catchThrowable(
                () ->
                    provisioner.up(
                        Plan.builder(EnvironmentName.of(ns))
                            .source(ManifestSource.objects(ReliabilityPlans.configMap("x")))
                            .build()));
        if (up != null) {
          seen(up);
        }
        boolean refused =
            Keys.isProtected(ns)
                ? up instanceof IllegalArgumentException
                    && up.getMessage().contains("not a valid environment name")
                : up instanceof PreviewEnvException
                    && up.getMessage().contains("Refusing to adopt");
        boolean branchElsewhere = !EnvironmentName.forBranch(ns).value().equals(ns);
        ok += refused && (branchElsewhere || !Keys.isProtected(ns)) ? 1 : 0;
      }
      // a branch called kube-system provisions elsewhere, never in kube-system
      runs++;
      try (Preview p =
          provisioner.up(plan("kube-system", List.of(ReliabilityPlans.configMap("x"))))) {
        ok += p.namespace().startsWith("b-kube-system-") ? 1 : 0;
      }
      List<String> after = snapshot(d);
      assertThat(after).isEqualTo(before);
      assertThat(managed(d))
          .extracting(n -> n.getMetadata().getName())
          .containsExactlyInAnyOrder("default", "kube-system");
      int lost = 0;
      for (String ns : guarded.keySet()) {
        Namespace n = d.namespaces().withName(ns).get();
        if (n == null
            || d.configMaps().inNamespace(ns).withName("precious").get() == null
            || !n.getMetadata().getLabels().equals(guarded.get(ns))) {
          lost++;
        }
      }
      report("guard", runs, ok, lost);
    }
  }

  // 7. Concurrency --------------------------------------------------------------------------------

  @Test
  @Order(7)
  void twentyConcurrentEnvironmentsAreDistinctConvergeAndLeaveNothing() throws Exception {
    int n = 20;
    try (FaultyApiServer api = new FaultyApiServer(77L)) {
      KubernetesClient d = api.direct();
      d.namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
          .create();
      d.secrets()
          .inNamespace("shared")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("registry")
                  .endMetadata()
                  .addToData(
                      "token",
                      Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8)))
                  .build())
          .create();
      Provisioner provisioner =
          provisioner(api.client()).withSecrets(SecretSpec.copy("shared", "registry"));
      ExecutorService pool = Executors.newFixedThreadPool(n);
      List<Future<String>> futures = new ArrayList<>();
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(n);
      for (int i = 0; i < n; i++) {
        String branch = "concurrent/env-" + i;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try (Preview p = provisioner.up(plan(branch, ReliabilityPlans.small()))) {
                    boolean complete =
                        d.configMaps().inNamespace(p.namespace()).withName("settings").get() != null
                            && d.secrets().inNamespace(p.namespace()).withName("registry").get()
                                != null
                            && d.leases().inNamespace(p.namespace()).withName(OwnerLease.NAME).get()
                                != null;
                    return complete ? p.namespace() : null;
                  } catch (RuntimeException e) {
                    seen(e);
                    throw e;
                  }
                }));
      }
      Set<String> namespaces = new HashSet<>();
      int ok = 0;
      for (Future<String> f : futures) {
        String ns = f.get(5, TimeUnit.MINUTES);
        if (ns != null && namespaces.add(ns)) {
          ok++;
        }
      }
      pool.shutdown();
      report("concurrency", n, ok, managed(d).size());
    }
  }

  // 6. Secrets (last: checks the output of every scenario before) -------------------------------

  @Test
  @Order(99)
  void canarySecretNeverAppearsInLogsErrorsDiagnosticsOrOutput() throws Exception {
    String base64 = Base64.getEncoder().encodeToString(CANARY.getBytes(StandardCharsets.UTF_8));
    int runs = 0;
    int ok = 0;
    try (FaultyApiServer api = new FaultyApiServer(6L)) {
      KubernetesClient d = api.direct();
      d.namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
          .create();
      d.secrets()
          .inNamespace("shared")
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("registry")
                  .endMetadata()
                  .addToData("token", base64)
                  .build())
          .create();
      Provisioner provisioner =
          provisioner(api.client()).withSecrets(SecretSpec.copy("shared", "registry"));
      // a provisioned environment with diagnostics written
      runs++;
      try (Preview p = provisioner.up(plan("secrets/canary", ReliabilityPlans.small()))) {
        Path summary = p.writeDiagnostics();
        diagnostics.add(p.diagnosticsDirectory());
        String stored =
            d.secrets()
                .inNamespace(p.namespace())
                .withName("registry")
                .get()
                .getData()
                .get("token");
        ok += stored.equals(base64) && summary != null ? 1 : 0; // the canary really is there
      }
      // failures touching the secret: rejected (422 quoting it), forbidden, and a 503 storm
      runs++;
      api.override(
          r ->
              SECRET_PATH.matcher(r.getPath()).matches()
                      && !"GET".equals(r.getMethod())
                      && r.getPath().contains("secrets-fail")
                  ? FaultyApiServer.status(
                      422, "Invalid", "Secret is invalid: data.token: " + CANARY + " / " + base64)
                  : null);
      Throwable rejected =
          catchThrowable(() -> provisioner.up(plan("secrets/fail", ReliabilityPlans.small())));
      api.override(null);
      if (rejected != null) {
        seen(rejected);
      }
      ok += rejected instanceof PreviewEnvException ? 1 : 0;
      runs++;
      api.override(
          r ->
              SECRET_PATH.matcher(r.getPath()).matches()
                  ? FaultyApiServer.status(503, "ServiceUnavailable", base64)
                  : null);
      Throwable storm =
          catchThrowable(
              () ->
                  provisioner
                      .withRetries(2, Duration.ofSeconds(2))
                      .up(plan("secrets/storm", ReliabilityPlans.small())));
      api.override(null);
      if (storm != null) {
        seen(storm);
      }
      ok += storm instanceof PreviewEnvException ? 1 : 0;
      runs++;
      ok += managed(d).isEmpty() ? 1 : 0;
      System.out.println(
          "secrets scenario: rejected by "
              + (rejected == null ? null : rejected.getClass().getSimpleName())
              + ", 503 storm ended by "
              + (storm == null ? null : storm.getClass().getSimpleName())
              + ", left: "
              + managed(d).size());
    }

    // scan everything captured across all scenarios
    String output;
    synchronized (captured) {
      output = captured.toString(StandardCharsets.UTF_8);
    }
    List<String> places = new ArrayList<>();
    runs++;
    if (output.contains(CANARY) || output.contains(base64)) {
      places.add("captured output");
    } else {
      ok++;
    }
    synchronized (exceptions) {
      runs++;
      for (String e : exceptions) {
        if (e.contains(CANARY) || e.contains(base64)) {
          // say where, without the value
          String redacted = e.replace(CANARY, "<CANARY>").replace(base64, "<CANARY-BASE64>");
          int at = Math.max(redacted.indexOf("<CANARY"), 0);
          System.out.println(
              "canary found in an exception: "
                  + redacted.substring(
                      Math.max(0, at - 600), Math.min(redacted.length(), at + 200)));
        }
      }
      if (exceptions.stream().anyMatch(e -> e.contains(CANARY) || e.contains(base64))) {
        places.add("exception");
      } else {
        ok++;
      }
      assertThat(exceptions).isNotEmpty();
    }
    for (Path dir : diagnostics) {
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files = s.filter(Files::isRegularFile).toList();
      }
      assertThat(files).isNotEmpty();
      for (Path f : files) {
        runs++;
        String text = Files.readString(f, StandardCharsets.ISO_8859_1);
        if (text.contains(CANARY) || text.contains(base64)) {
          places.add(f.toString());
        } else {
          ok++;
        }
      }
    }
    assertThat(places).isEmpty();
    report("secrets", runs, ok, places.size());
  }
}
