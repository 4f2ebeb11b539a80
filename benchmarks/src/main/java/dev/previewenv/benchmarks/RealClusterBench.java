package dev.previewenv.benchmarks;

import dev.previewenv.core.ClusterConnection;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.Teardown;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real-cluster mode of the benchmarks: the same generated stack brought up (until every
 * Deployment is available) and torn down (until the namespace is gone) by PreviewEnv in this warm
 * JVM, the PreviewEnv CLI as a fresh process, {@code kubectl apply} + {@code kubectl rollout
 * status}, {@code helm upgrade --install --wait} and a naive create-then-poll loop, through a TCP
 * proxy that adds a round trip time; runs interleaved, an independent watch splitting each into
 * phases.
 *
 * <p>Arguments: {@code --kubeconfig <file>} (default {@code PREVIEWENV_IT_KUBECONFIG}, then {@code
 * KUBECONFIG}), {@code --cli-jar <jar>} (default {@code cli/target/previewenv-cli-*-all.jar}),
 * {@code --helm <binary>} (default {@code PREVIEWENV_HELM}; without it Helm is left out, said so),
 * {@code --kubectl <binary>} (default {@code kubectl}), {@code --reps N} (measured runs per
 * contender and case, default 3, after one warm-up run of the warm {@code previewenv}; each round
 * in an order drawn from {@code --seed}, default 17), {@code --cases 4@0,4@20} (services@RTT in
 * ms), {@code --contenders} (any of previewenv-request, previewenv-serial, cli, cli-cds, cli-aot,
 * kubectl, helm, naive; default {@link #DEFAULT_CONTENDERS}; the warm {@code previewenv} always
 * runs; {@code cli-aot} needs {@code PREVIEWENV_JAVA25}, a Java 25+ {@code java}), {@code
 * --teardowns together|alone} (default together).
 *
 * <p>A contender in this JVM talks to the cluster through a delay proxy of its own, a process
 * contender through one per run, so the connections a proxy counts are one contender's. With {@code
 * --teardowns together} each round brings the stack up once per contender, one after another, then
 * starts all of the round's teardowns at once, each timed from its own start; the next round begins
 * once every pod of the round is gone (no teardown's node work runs during an {@code up}), while a
 * namespace the namespace controller has yet to look at again may still be there. Teardowns of 16
 * to 110 s one after another would make the command take most of an hour. A round lets at most
 * {@link #MAX_STANDING_PODS} of the stacks' pods stand before it tears them down. {@code alone}
 * tears each run down before the next {@code up}, as the first runs did.
 */
public final class RealClusterBench {
  private RealClusterBench() {}

  private static final Duration READY_LIMIT = Duration.ofMinutes(5);

  /** How many of the stacks' pods a round lets stand before it tears them down. */
  static final int MAX_STANDING_PODS = 40;

  /** The contenders run when {@code --contenders} is not given. */
  static final List<String> DEFAULT_CONTENDERS =
      List.of("previewenv", "previewenv-request", "cli-cds", "cli-aot", "kubectl", "helm", "naive");

  record Case(int services, Duration rtt) {
    String label() {
      return RealStack.objects(services) + "obj@" + rtt.toMillis() + "ms";
    }
  }

  /** One run: its namespace, the files each tool reads, the kubeconfig through the proxy. */
  record Run(
      String namespace,
      String branch,
      int services,
      Path kubeconfig,
      Path stack,
      Path stackWithNamespace,
      Path chart,
      Path work) {}

  interface Contender {
    String name();

    /**
     * The kubeconfig through this contender's own delay proxy; {@code null} for a contender that
     * runs a process per command, which gets a proxy per run ({@link Run#kubeconfig()}).
     */
    Path kubeconfig();

    void up(Run run) throws Exception;

    void down(Run run) throws Exception;

    /** Before the run is timed (a client made through the run's proxy). */
    default void prepare(Run run) throws IOException {}

    default void close() {}
  }

  /** One measured run (milliseconds; NaN = not seen). */
  record Sample(
      double up,
      double down,
      double namespace,
      double objects,
      double ready,
      double gone,
      int connections) {
    /** Time not spent waiting for the cluster: until every object exists, and ready → return. */
    double clientShare() {
      return objects + Math.max(0, up - ready);
    }
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "arguments are --name value pairs (--kubeconfig, --cli-jar, --helm, --kubectl, --reps,"
                + " --cases), got "
                + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    String kc =
        first(
            opts.get("kubeconfig"),
            System.getenv("PREVIEWENV_IT_KUBECONFIG"),
            System.getenv("KUBECONFIG"));
    if (kc == null) {
      throw new IllegalArgumentException(
          "the real-cluster benchmark needs a cluster: --kubeconfig <file> or PREVIEWENV_IT_KUBECONFIG");
    }
    Path kubeconfig = Path.of(kc);
    int reps = Integer.parseInt(opts.getOrDefault("reps", "3"));
    List<Case> cases = parseCases(opts.getOrDefault("cases", "4@0,4@20"));
    Path cliJar = cliJar(opts.get("cli-jar"));
    String helm = first(opts.get("helm"), System.getenv("PREVIEWENV_HELM"));
    String kubectl = opts.getOrDefault("kubectl", "kubectl");
    Runner runner = new Runner(kubeconfig, cliJar, helm, kubectl, reps);
    runner.only =
        List.of(opts.getOrDefault("contenders", String.join(",", DEFAULT_CONTENDERS)).split(","));
    String teardowns = opts.getOrDefault("teardowns", "together");
    if (!teardowns.equals("together") && !teardowns.equals("alone")) {
      throw new IllegalArgumentException(
          "--teardowns: together (a round's ups one after another, then all its teardowns at"
              + " once) or alone (each run's teardown before the next up), got "
              + teardowns);
    }
    runner.together = teardowns.equals("together");
    runner.seed = Long.parseLong(opts.getOrDefault("seed", "17"));
    runner.run(cases);
  }

  static List<Case> parseCases(String spec) {
    List<Case> out = new ArrayList<>();
    for (String c : spec.split(",")) {
      String[] p = c.strip().split("@");
      if (p.length != 2) {
        throw new IllegalArgumentException(
            "--cases: '" + c + "' is not services@rttMillis (e.g. 4@20)");
      }
      out.add(new Case(Integer.parseInt(p[0]), Duration.ofMillis(Long.parseLong(p[1]))));
    }
    return out;
  }

  private static Path cliJar(String given) throws IOException {
    if (given != null) {
      return Path.of(given);
    }
    for (Path dir : List.of(Path.of("cli", "target"), Path.of("..", "cli", "target"))) {
      if (Files.isDirectory(dir)) {
        try (var files = Files.list(dir)) {
          var jar =
              files
                  .filter(f -> f.getFileName().toString().matches("previewenv-cli-.*-all\\.jar"))
                  .findFirst();
          if (jar.isPresent()) {
            return jar.get();
          }
        }
      }
    }
    return null;
  }

  private static String first(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  static final class Runner {
    private final Path kubeconfig;
    private final Path cliJar;
    private final String helm;
    private final String kubectl;
    private final int reps;
    private final String run = UUID.randomUUID().toString().substring(0, 4);
    private final Path work;
    private final List<String> lines = new ArrayList<>();
    private final List<String> table = new ArrayList<>();
    private int counter;

    Runner(Path kubeconfig, Path cliJar, String helm, String kubectl, int reps) throws IOException {
      this.kubeconfig = kubeconfig;
      this.cliJar = cliJar;
      this.helm = helm;
      this.kubectl = kubectl;
      this.reps = reps;
      this.work = Files.createTempDirectory("previewenv-real-bench");
    }

    private Path cdsArchive;
    private Path aotCache; // with a Java 25+ (PREVIEWENV_JAVA25): the CLI's ahead-of-time cache
    String java25 = System.getenv("PREVIEWENV_JAVA25");
    List<String> only; // contenders to run (previewenv always); null = all
    boolean together = true; // a round's teardowns start at once, after its ups
    long seed = 17; // the order of the contenders in each round
    private final java.util.concurrent.ExecutorService teardowns =
        java.util.concurrent.Executors.newCachedThreadPool(
            task -> {
              Thread t = new Thread(task, "bench-teardown");
              t.setDaemon(true);
              return t;
            });

    void run(List<Case> cases) throws Exception {
      if (cliJar != null) {
        // the CLI's class-data archive, recorded once (previewenv cds), for the cli-cds contender
        Path archive = work.resolve("previewenv-cli.jsa");
        Run setup = new Run("", "", 0, null, null, null, null, work);
        exec(setup, "java", "-jar", cliJar.toString(), "cds", "--archive", archive.toString());
        cdsArchive = archive;
        if (java25 != null && !java25.isBlank()) {
          Path cache = work.resolve("previewenv-cli.aot");
          exec(setup, java25, "-jar", cliJar.toString(), "cds", "--archive", cache.toString());
          aotCache = cache;
        }
      }
      String text = Files.readString(kubeconfig);
      Matcher m = Pattern.compile("server:\\s*\"?(https://[^\"\\s,}]+)\"?").matcher(text);
      if (!m.find()) {
        throw new IllegalArgumentException("no server: https://… in " + kubeconfig);
      }
      URI server = URI.create(m.group(1));
      progress(
          "real cluster "
              + server
              + ", "
              + Runtime.getRuntime().availableProcessors()
              + " cpus, java "
              + System.getProperty("java.version")
              + ", reps "
              + reps
              + ", teardowns "
              + (together ? "together" : "alone")
              + ", order seed "
              + seed
              + ", work dir "
              + work);
      try (KubernetesClient observerClient =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(text)).build()) {
        boolean warmedUp = false;
        for (Case c : cases) {
          // a contender in this JVM has a proxy of its own, a process contender one per run:
          // the connections each proxy counts are those of one contender, or of one run
          Map<String, Proxied> proxies = new LinkedHashMap<>();
          java.util.function.Supplier<Proxied> proxyFor =
              () -> {
                try {
                  DelayProxy proxy =
                      new DelayProxy(
                          server.getHost(), server.getPort() < 0 ? 443 : server.getPort(), c.rtt());
                  Path proxied = work.resolve("kubeconfig-" + proxy.port());
                  Files.writeString(
                      proxied,
                      m.replaceFirst(
                          Matcher.quoteReplacement(
                              "server: \"https://127.0.0.1:" + proxy.port() + "\"")));
                  return new Proxied(proxy, proxied);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              };
          try {
            List<Contender> contenders =
                contenders(
                    name -> {
                      Proxied p = proxyFor.get();
                      proxies.put(name, p);
                      return p.kubeconfig();
                    });
            Map<String, List<Sample>> samples = new LinkedHashMap<>();
            List<CompletableFuture<Sample>> pending = new ArrayList<>();
            Map<String, CompletableFuture<Sample>> last = new LinkedHashMap<>();
            Map<CompletableFuture<Sample>, String> results = new LinkedHashMap<>();
            contenders.forEach(k -> samples.put(k.name(), new ArrayList<>()));
            List<List<Contender>> rounds = new ArrayList<>();
            if (!warmedUp) {
              rounds.add(List.of(contenders.get(0))); // warms this JVM: previewenv
            }
            for (int r = 0; r < reps; r++) {
              List<Contender> order = new ArrayList<>(contenders);
              java.util.Collections.shuffle(order, new java.util.Random(seed + 31L * r));
              rounds.add(order); // interleaved, in an order drawn per round
            }
            for (int r = 0; r < rounds.size(); r++) {
              boolean warmUp = !warmedUp && r == 0;
              String what = warmUp ? "warm-up" : "run " + (warmedUp ? r + 1 : r);
              List<Pending> standing = new ArrayList<>();
              for (Contender k : rounds.get(r)) {
                if (together && (standing.size() + 1) * c.services() > MAX_STANDING_PODS) {
                  // the node holds so many pods (110 by default): tear these down first
                  tearDown(standing, c, what, !warmUp, pending, last, results);
                  standing.clear();
                }
                Proxied own = proxies.get(k.name());
                CompletableFuture<Sample> previous = last.get(k.name());
                if (own != null && previous != null) {
                  previous.join(); // its proxy counts one run's connections at a time
                }
                Pending up =
                    up(observerClient, own != null ? own : proxyFor.get(), own == null, c, k);
                if (together) {
                  standing.add(up); // torn down with the round's others, below
                } else {
                  Sample sample = down(up, c, what);
                  if (!warmUp) {
                    samples.get(k.name()).add(sample);
                  }
                }
              }
              tearDown(standing, c, what, !warmUp, pending, last, results);
            }
            pending.forEach(CompletableFuture::join);
            results.forEach((down, name) -> samples.get(name).add(down.join()));
            warmedUp = true;
            contenders.forEach(Contender::close);
            report(c, samples);
          } finally {
            for (Proxied p : proxies.values()) {
              p.proxy().close();
            }
          }
        }
      } finally {
        teardowns.shutdownNow();
      }
      System.out.println();
      lines.forEach(System.out::println);
      System.out.println();
      System.out.println(
          "| stack, RTT | contender | up median (min–max) s | down median (min–max) s |"
              + " client share s | namespace / objects / ready s | connections |");
      System.out.println("|---|---|---|---|---|---|---|");
      table.forEach(System.out::println);
    }

    private List<Contender> contenders(java.util.function.Function<String, Path> proxied) {
      List<Contender> list = new ArrayList<>();
      java.util.function.Predicate<String> wanted =
          name -> name.equals("previewenv") || only == null || only.contains(name);
      list.add(new Warm("previewenv", proxied.apply("previewenv"), Teardown.WAIT));
      if (wanted.test("previewenv-request")) {
        list.add(
            new Warm("previewenv-request", proxied.apply("previewenv-request"), Teardown.REQUEST));
      }
      if (wanted.test("previewenv-serial")) {
        list.add(
            new Warm("previewenv-serial", proxied.apply("previewenv-serial"), Teardown.WAIT, 1));
      }
      if (cliJar != null) {
        if (wanted.test("cli")) {
          list.add(new Cli("cli", "java", cliJar, List.of()));
        }
        if (cdsArchive != null && wanted.test("cli-cds")) {
          list.add(
              new Cli("cli-cds", "java", cliJar, List.of("-XX:SharedArchiveFile=" + cdsArchive)));
        }
        if (aotCache != null && wanted.test("cli-aot")) {
          list.add(new Cli("cli-aot", java25, cliJar, List.of("-XX:AOTCache=" + aotCache)));
        } else if (aotCache == null
            && wanted.test("cli-aot")
            && lines.stream().noneMatch(l -> l.startsWith("BENCH real-cli-aot"))) {
          lines.add(
              "BENCH real-cli-aot not measured: no PREVIEWENV_JAVA25 (a Java 25+ java for the"
                  + " ahead-of-time cache)");
        }
      } else {
        lines.add(
            "BENCH real-cli not measured: no cli/target/previewenv-cli-*-all.jar (package the cli"
                + " module, or pass --cli-jar)");
      }
      if (wanted.test("kubectl")) {
        list.add(new Kubectl(kubectl));
      }
      if (helm != null && wanted.test("helm")) {
        list.add(new Helm(helm, kubectl));
      } else if (helm == null
          && wanted.test("helm")
          && lines.stream().noneMatch(l -> l.startsWith("BENCH real-helm"))) {
        lines.add(
            "BENCH real-helm not measured: no --helm and no PREVIEWENV_HELM (bash .ci/helm.sh)");
      }
      if (wanted.test("naive")) {
        list.add(new Naive());
      }
      return list;
    }

    /**
     * Starts the teardowns of {@code standing} at once, each timed from its own start, and returns
     * once every pod of theirs is gone (the node's work is over); a namespace the namespace
     * controller has yet to look at again may still be there.
     */
    private void tearDown(
        List<Pending> standing,
        Case c,
        String what,
        boolean measured,
        List<CompletableFuture<Sample>> pending,
        Map<String, CompletableFuture<Sample>> last,
        Map<CompletableFuture<Sample>, String> results)
        throws InterruptedException {
      for (Pending up : standing) {
        CompletableFuture<Sample> down =
            CompletableFuture.supplyAsync(() -> down(up, c, what), teardowns);
        pending.add(down);
        last.put(up.contender().name(), down);
        if (measured) {
          results.put(down, up.contender().name());
        }
      }
      for (Pending up : standing) {
        if (!up.observer().awaitPodsGone(READY_LIMIT)) {
          throw new IllegalStateException(
              up.contender().name()
                  + ": the pods of "
                  + up.run().namespace()
                  + " were never deleted");
        }
      }
    }

    /** A delay proxy and the kubeconfig that points at it. */
    private record Proxied(DelayProxy proxy, Path kubeconfig) {}

    /** A run brought up and ready, its teardown still to come. */
    private record Pending(
        KubernetesClient observerClient,
        Observer observer,
        Proxied proxy,
        boolean runProxy,
        Run run,
        Contender contender,
        long t0,
        long t1,
        int connections) {}

    private Pending up(
        KubernetesClient observerClient, Proxied proxied, boolean runProxy, Case c, Contender k)
        throws IOException {
      DelayProxy proxy = proxied.proxy();
      int n = ++counter;
      String branch = "bench/" + k.name() + "-" + run + "-" + n;
      String ns =
          k instanceof Warm || k instanceof Cli
              ? EnvironmentName.forBranch(branch).value()
              : "bench-" + k.name() + "-" + run + "-" + n;
      Path dir = Files.createDirectories(work.resolve("run-" + n));
      Path stack = dir.resolve("stack.yaml");
      Files.writeString(stack, RealStack.yaml(c.services(), null));
      Path withNs = dir.resolve("stack-with-namespace.yaml");
      Files.writeString(withNs, RealStack.yaml(c.services(), ns));
      Path chart = Files.createDirectories(dir.resolve("chart/templates"));
      Files.writeString(
          dir.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: bench\nversion: 0.1.0\n");
      Files.writeString(chart.resolve("stack.yaml"), RealStack.yaml(c.services(), null));
      Path kubeconfig = proxied.kubeconfig();
      Run r =
          new Run(ns, branch, c.services(), kubeconfig, stack, withNs, dir.resolve("chart"), dir);
      Observer o = new Observer(observerClient, ns, c.services());
      try {
        k.prepare(r);
        proxy.takeConnections();
        long t0 = System.nanoTime();
        k.up(r);
        long t1 = System.nanoTime();
        int connections = proxy.takeConnections();
        if (!o.awaitReady(READY_LIMIT)) {
          throw new IllegalStateException(
              k.name() + ": the stack in " + ns + " never became ready");
        }
        return new Pending(observerClient, o, proxied, runProxy, r, k, t0, t1, connections);
      } catch (Exception | AssertionError e) {
        // a failed run leaves nothing behind: its namespace is deleted (not awaited)
        o.close();
        if (runProxy) {
          proxy.close();
        }
        observerClient.namespaces().withName(ns).delete();
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      }
    }

    private Sample down(Pending p, Case c, String what) {
      Observer o = p.observer();
      String ns = p.run().namespace();
      try (o) {
        long t2 = System.nanoTime(); // the teardown's start (with together, after the round's ups)
        p.contender().down(p.run());
        long t3 = System.nanoTime();
        int connections = p.connections() + p.proxy().proxy().takeConnections();
        if (!o.awaitGone(READY_LIMIT)) {
          throw new IllegalStateException(
              p.contender().name() + ": namespace " + ns + " was never deleted");
        }
        Sample s =
            new Sample(
                ms(p.t1() - p.t0()),
                ms(t3 - t2),
                since(p.t0(), o.namespaceAt),
                since(p.t0(), o.objectsAt),
                since(p.t0(), o.readyAt),
                since(t2, o.goneAt),
                connections);
        progress(
            String.format(
                Locale.ROOT,
                "%s %-18s %s up %.0f ms (ns %.0f, objects %.0f, ready %.0f) down %.0f ms"
                    + " (gone %.0f) connections %d",
                c.label(),
                p.contender().name(),
                what,
                s.up(),
                s.namespace(),
                s.objects(),
                s.ready(),
                s.down(),
                s.gone(),
                s.connections()));
        return s;
      } catch (Exception e) {
        p.observerClient().namespaces().withName(ns).delete();
        throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
      } finally {
        if (p.runProxy()) {
          try {
            p.proxy().proxy().close();
          } catch (IOException e) {
            // closing a loopback proxy: nothing to do
          }
        }
      }
    }

    private void report(Case c, Map<String, List<Sample>> samples) {
      List<Sample> ours = samples.get("previewenv");
      double rtt = c.rtt().toMillis();
      double up = median(ours, Sample::up);
      double down = median(ours, Sample::down);
      double share = median(ours, Sample::clientShare);
      String label = c.label();
      for (var e : samples.entrySet()) {
        List<Sample> s = e.getValue();
        if (s.isEmpty()) {
          continue;
        }
        table.add(
            String.format(
                Locale.ROOT,
                "| %d objects, %d ms | %s | %.2f (%.2f–%.2f) | %.2f (%.2f–%.2f) | %.2f | %.2f / %.2f /"
                    + " %.2f | %.0f |",
                RealStack.objects(c.services()),
                c.rtt().toMillis(),
                e.getKey(),
                median(s, Sample::up) / 1000,
                min(s, Sample::up) / 1000,
                max(s, Sample::up) / 1000,
                median(s, Sample::down) / 1000,
                min(s, Sample::down) / 1000,
                max(s, Sample::down) / 1000,
                median(s, Sample::clientShare) / 1000,
                median(s, Sample::namespace) / 1000,
                median(s, Sample::objects) / 1000,
                median(s, Sample::ready) / 1000,
                median(s, x -> x.connections())));
        if (e.getKey().equals("previewenv")) {
          continue;
        }
        double theirUp = median(s, Sample::up);
        double theirDown = median(s, Sample::down);
        lines.add(
            String.format(
                Locale.ROOT,
                "BENCH real-up-%s %.0f ms baseline=%.0f ratio=%.2f vs=%s min=%.0f max=%.0f"
                    + " baseline-min=%.0f baseline-max=%.0f",
                label,
                up,
                theirUp,
                theirUp / up,
                e.getKey(),
                min(ours, Sample::up),
                max(ours, Sample::up),
                min(s, Sample::up),
                max(s, Sample::up)));
        lines.add(
            String.format(
                Locale.ROOT,
                "BENCH real-down-%s %.0f ms baseline=%.0f ratio=%.2f vs=%s",
                label,
                down,
                theirDown,
                theirDown / down,
                e.getKey()));
      }
      List<Sample> request = samples.get("previewenv-request");
      if (request != null && !request.isEmpty()) {
        lines.add(
            String.format(
                Locale.ROOT,
                "BENCH real-down-request-%s %.0f ms floor=%.0f target<=%.0f (teardown REQUEST:"
                    + " returns once the deletion is accepted; gone %.0f ms later by the observer)",
                label,
                median(request, Sample::down),
                rtt,
                2 * rtt,
                median(request, Sample::gone)));
      }
      for (String cliName : List.of("cli", "cli-cds", "cli-aot")) {
        List<Sample> cli = samples.get(cliName);
        if (cli == null || cli.isEmpty() || !samples.containsKey("kubectl")) {
          continue;
        }
        double cold = median(cli, Sample::up);
        double kubectlUp = median(samples.get("kubectl"), Sample::up);
        lines.add(
            String.format(
                Locale.ROOT,
                "BENCH real-%s-cold-up-%s %.0f ms baseline=%.0f ratio=%.2f vs=kubectl target:"
                    + " ratio>=1 at 0 ms (JVM start included)",
                cliName,
                label,
                cold,
                kubectlUp,
                kubectlUp / cold));
      }
      lines.add(
          String.format(
              Locale.ROOT,
              "BENCH real-client-share-%s %.0f ms floor=%.0f target<=%.0f (5 RTT + 150 ms; time"
                  + " until every object exists + ready-to-return)",
              label,
              share,
              2 * rtt,
              5 * rtt + 150));
    }
  }

  private interface Field {
    double of(Sample s);
  }

  private static double median(List<Sample> s, Field f) {
    return Stats.median(s.stream().mapToDouble(f::of).toArray());
  }

  private static double min(List<Sample> s, Field f) {
    return s.stream().mapToDouble(f::of).min().orElse(Double.NaN);
  }

  private static double max(List<Sample> s, Field f) {
    return s.stream().mapToDouble(f::of).max().orElse(Double.NaN);
  }

  private static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  private static double since(long t0, long at) {
    return at == 0 ? Double.NaN : ms(at - t0);
  }

  private static synchronized void progress(String s) {
    System.out.println("# " + s);
  }

  // ------------------------------------------------------------------------------ contenders

  /** PreviewEnv in this JVM (warm after the warm-up round), its own client through the proxy. */
  static final class Warm implements Contender {
    private final String name;
    private final Path kubeconfig;
    private final KubernetesClient client;
    private final Provisioner provisioner;
    private final Map<String, Preview> previews = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param teardown how {@code down} ends: {@link Teardown#WAIT} until the namespace is gone,
     *     {@link Teardown#REQUEST} as soon as the deletion is accepted (the observer still waits
     *     for it to be gone before the next run)
     */
    Warm(String name, Path kubeconfig, Teardown teardown) {
      this(name, kubeconfig, teardown, 0);
    }

    /**
     * @param concurrency requests at once ({@link Provisioner#withConcurrency}); 0 for the default.
     *     1 applies one object after another, as kubectl does: the {@code previewenv-serial}
     *     contender, to see whether creating every Deployment at once delays the pods
     */
    Warm(String name, Path kubeconfig, Teardown teardown, int concurrency) {
      this.name = name;
      this.kubeconfig = kubeconfig;
      this.client = ClusterConnection.locate().kubeconfig(kubeconfig, "--kubeconfig").connect();
      Provisioner p =
          Provisioner.forClient(client)
              .withOwner("bench")
              .withKeptNotice(false)
              .withCleanup(dev.previewenv.core.Cleanup.ALWAYS)
              .withTeardown(teardown);
      this.provisioner = concurrency > 0 ? p.withConcurrency(concurrency) : p;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Path kubeconfig() {
      return kubeconfig;
    }

    @Override
    public void up(Run run) throws IOException {
      Plan plan =
          Plan.builder(EnvironmentName.forBranch(run.branch()))
              .source(ManifestSource.yaml("stack.yaml", Files.readString(run.stack())))
              .build();
      previews.put(run.namespace(), provisioner.up(plan));
    }

    @Override
    public void down(Run run) {
      // the test-end teardown: deletes the environment as the teardown says
      previews.remove(run.namespace()).close();
    }

    @Override
    public void close() {
      client.close();
    }
  }

  /** The PreviewEnv CLI as a fresh process per command (JVM start included). */
  static final class Cli implements Contender {
    private final String name;
    private final String java;
    private final Path jar;
    private final List<String> jvmArgs;

    Cli(String name, String java, Path jar, List<String> jvmArgs) {
      this.name = name;
      this.java = java;
      this.jar = jar;
      this.jvmArgs = jvmArgs;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Path kubeconfig() {
      return null; // a proxy per run
    }

    private String[] java(String... args) {
      List<String> c = new ArrayList<>();
      c.add(java);
      c.addAll(jvmArgs);
      c.add("-jar");
      c.add(jar.toString());
      c.addAll(List.of(args));
      return c.toArray(String[]::new);
    }

    @Override
    public void up(Run run) throws Exception {
      exec(
          run,
          java(
              "up",
              "--kubeconfig",
              run.kubeconfig().toString(),
              "--branch",
              run.branch(),
              "--manifests",
              "file:" + run.stack(),
              "--report",
              run.work().resolve("report.json").toString(),
              "--diagnostics-dir",
              run.work().resolve("diagnostics").toString()));
    }

    @Override
    public void down(Run run) throws Exception {
      exec(
          run,
          java(
              "down",
              "--kubeconfig",
              run.kubeconfig().toString(),
              "--report",
              run.work().resolve("report.json").toString(),
              run.branch()));
    }
  }

  /** {@code kubectl apply -f} (the Namespace first in the file) and {@code rollout status}. */
  static final class Kubectl implements Contender {
    private final String kubectl;

    Kubectl(String kubectl) {
      this.kubectl = kubectl;
    }

    @Override
    public String name() {
      return "kubectl";
    }

    @Override
    public Path kubeconfig() {
      return null; // a proxy per run
    }

    @Override
    public void up(Run run) throws Exception {
      exec(
          run,
          kubectl,
          "--kubeconfig",
          run.kubeconfig().toString(),
          "apply",
          "-f",
          run.stackWithNamespace().toString());
      exec(
          run,
          kubectl,
          "--kubeconfig",
          run.kubeconfig().toString(),
          "-n",
          run.namespace(),
          "rollout",
          "status",
          "deployment",
          "-l",
          RealStack.LABEL + "=1",
          "--timeout=300s");
    }

    @Override
    public void down(Run run) throws Exception {
      deleteNamespace(run, kubectl);
    }
  }

  /** {@code helm upgrade --install --create-namespace --wait} (Helm 4: the watcher strategy). */
  static final class Helm implements Contender {
    private final String helm;
    private final String kubectl;

    Helm(String helm, String kubectl) {
      this.helm = helm;
      this.kubectl = kubectl;
    }

    @Override
    public String name() {
      return "helm";
    }

    @Override
    public Path kubeconfig() {
      return null; // a proxy per run
    }

    @Override
    public void up(Run run) throws Exception {
      exec(
          run,
          helm,
          "--kubeconfig",
          run.kubeconfig().toString(),
          "upgrade",
          "--install",
          "bench",
          run.chart().toString(),
          "-n",
          run.namespace(),
          "--create-namespace",
          "--wait=watcher",
          "--timeout",
          "5m");
    }

    @Override
    public void down(Run run) throws Exception {
      exec(
          run,
          helm,
          "--kubeconfig",
          run.kubeconfig().toString(),
          "uninstall",
          "bench",
          "-n",
          run.namespace(),
          "--wait");
      deleteNamespace(run, kubectl);
    }
  }

  /** Creates every object one after the other, then polls every 250 ms. */
  static final class Naive implements Contender {
    private static final Duration POLL = Duration.ofMillis(250);
    // a client per run, made before the run is timed, through the run's own proxy
    private final Map<String, KubernetesClient> clients =
        new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void prepare(Run run) throws IOException {
      clients.put(
          run.namespace(),
          new KubernetesClientBuilder()
              .withConfig(Config.fromKubeconfig(Files.readString(run.kubeconfig())))
              .build());
    }

    @Override
    public String name() {
      return "naive";
    }

    @Override
    public Path kubeconfig() {
      return null; // a proxy per run
    }

    @Override
    public void up(Run run) throws Exception {
      KubernetesClient client = clients.get(run.namespace());
      client
          .namespaces()
          .resource(
              new NamespaceBuilder()
                  .withNewMetadata()
                  .withName(run.namespace())
                  .endMetadata()
                  .build())
          .create();
      List<HasMetadata> objects =
          client
              .load(
                  new ByteArrayInputStream(
                      Files.readString(run.stack()).getBytes(StandardCharsets.UTF_8)))
              .items();
      for (HasMetadata o : objects) {
        client.resource(o).inNamespace(run.namespace()).create();
      }
      while (true) {
        List<Deployment> ds =
            client.apps().deployments().inNamespace(run.namespace()).list().getItems();
        boolean all =
            ds.size() == run.services()
                && ds.stream()
                    .allMatch(
                        d ->
                            d.getStatus() != null
                                && d.getStatus().getAvailableReplicas() != null
                                && d.getStatus().getAvailableReplicas() >= 1);
        if (all) {
          return;
        }
        TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
      }
    }

    @Override
    public void down(Run run) throws Exception {
      try (KubernetesClient client = clients.remove(run.namespace())) {
        downWith(client, run);
      }
    }

    private static void downWith(KubernetesClient client, Run run) throws InterruptedException {
      client.namespaces().withName(run.namespace()).delete();
      while (client.namespaces().withName(run.namespace()).get() != null) {
        TimeUnit.MILLISECONDS.sleep(POLL.toMillis());
      }
    }

    @Override
    public void close() {
      clients.values().forEach(KubernetesClient::close);
    }
  }

  /** {@code kubectl delete namespace --wait}: returns once the namespace is gone. */
  static void deleteNamespace(Run run, String kubectl) throws IOException, InterruptedException {
    exec(
        run,
        kubectl,
        "--kubeconfig",
        run.kubeconfig().toString(),
        "delete",
        "namespace",
        run.namespace(),
        "--wait=true",
        "--timeout=300s");
  }

  static void exec(Run run, String... command) throws IOException, InterruptedException {
    Path log = run.work().resolve("commands.log");
    Files.writeString(
        log,
        "$ " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("timed out: " + Arrays.toString(command));
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "exit " + p.exitValue() + ": " + String.join(" ", command) + " (output in " + log + ")");
    }
  }
}
