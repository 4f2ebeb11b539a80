package dev.previewenv.e2eimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.protocol.TerminationMessage;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the example stack (PostgreSQL and Redis from their Debian-package images, seeded with the
 * stack's seed SQL; web, catalog, orders, admin) and the E2E image as Docker containers, all on the
 * host network with ports on 127.0.0.1, the image in attach mode ({@code PREVIEWENV_NAMESPACE} and
 * the service URLs set, no cluster anywhere), and checks what the image reports: exit code,
 * termination-message JSON and JUnit XML. Needs the docker CLI, an engine and the images (built
 * with {@code PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw install -pl
 * examples,e2e-suite,e2e-image -am}); never pulls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class E2eImageIT {

  private static final String TAG = System.getProperty("previewenv.examples.image.tag", "local");
  private static final String PREFIX = System.getProperty("previewenv.image.prefix", "");
  private static final String E2E_IMAGE =
      System.getProperty("previewenv.e2e.image", "previewenv-e2e-image:local");

  private final String run = "pe-it-" + UUID.randomUUID().toString().substring(0, 8);
  private final List<String> containers = new ArrayList<>();
  private int catalogPort;
  private int ordersPort;
  private int adminPort;
  private int webPort;
  private List<String> dataEnv;

  @BeforeAll
  void startServices() throws Exception {
    Assumptions.assumeTrue(
        docker(Duration.ofSeconds(30), "info", "--format", "{{.ServerVersion}}").code() == 0,
        "no Docker engine answers `docker info` (is the docker CLI installed and the engine"
            + " started?)");
    for (String image :
        List.of(
            image("web"),
            image("catalog"),
            image("orders"),
            image("admin"),
            E2E_IMAGE,
            POSTGRES_IMAGE,
            REDIS_IMAGE)) {
      Assumptions.assumeTrue(
          docker(Duration.ofSeconds(30), "image", "inspect", image).code() == 0,
          "image "
              + image
              + " is missing; build it: e2e-image/base-image/build-base-image.sh and"
              + " examples/images/build-data-images.sh, then"
              + " PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw -B install -pl"
              + " examples,e2e-suite,e2e-image -am -DskipTests");
    }
    startDataStores();
    catalogPort = freePort();
    ordersPort = freePort();
    adminPort = freePort();
    webPort = freePort();
    startService("catalog", catalogPort, dataEnv);
    startService(
        "orders",
        ordersPort,
        concat(dataEnv, List.of("CATALOG_URL=http://127.0.0.1:" + catalogPort)));
    startService(
        "admin", adminPort, concat(dataEnv, List.of("ORDERS_URL=http://127.0.0.1:" + ordersPort)));
    startService(
        "web",
        webPort,
        List.of(
            "CATALOG_URL=http://127.0.0.1:" + catalogPort,
            "ORDERS_URL=http://127.0.0.1:" + ordersPort));
    for (int port : List.of(catalogPort, ordersPort, adminPort, webPort)) {
      awaitListening(port);
    }
  }

  private static final String POSTGRES_IMAGE = "previewenv/postgres:local";
  private static final String REDIS_IMAGE = "previewenv/redis:local";

  /**
   * PostgreSQL and Redis on free loopback ports, PostgreSQL loaded with the stack's seed SQL (the
   * ConfigMap of examples/deploy/datastores/seed.yaml), and the variables the services read.
   */
  private void startDataStores() throws Exception {
    int pgPort = freePort();
    int redisPort = freePort();
    String user = "shop_app";
    String password = "db-" + UUID.randomUUID();
    String redisPassword = "redis-" + UUID.randomUUID();
    String pg = run + "-postgres";
    containers.add(pg);
    Result started =
        docker(
            Duration.ofSeconds(60),
            "run",
            "-d",
            "--name",
            pg,
            "--network",
            "host",
            "-e",
            "POSTGRES_USER=" + user,
            "-e",
            "POSTGRES_PASSWORD=" + password,
            "-e",
            "POSTGRES_DB=shop",
            POSTGRES_IMAGE,
            "-c",
            "listen_addresses=127.0.0.1",
            "-p",
            Integer.toString(pgPort));
    assertThat(started.code()).as("docker run " + pg + ": " + started.output()).isZero();
    String redis = run + "-redis";
    containers.add(redis);
    started =
        docker(
            Duration.ofSeconds(60),
            "run",
            "-d",
            "--name",
            redis,
            "--network",
            "host",
            "-e",
            "REDIS_PASSWORD=" + redisPassword,
            REDIS_IMAGE,
            "--bind",
            "127.0.0.1",
            "--port",
            Integer.toString(redisPort));
    assertThat(started.code()).as("docker run " + redis + ": " + started.output()).isZero();
    awaitListening(pgPort);
    awaitListening(redisPort);
    String sql = seedSql();
    String seed = run + "-seed";
    containers.add(seed);
    Result seeded =
        docker(
            Duration.ofSeconds(90),
            "run",
            "--name",
            seed,
            "--network",
            "host",
            "-e",
            "PGPASSWORD=" + password,
            "--entrypoint",
            "psql",
            POSTGRES_IMAGE,
            "-h",
            "127.0.0.1",
            "-p",
            Integer.toString(pgPort),
            "-U",
            user,
            "-d",
            "shop",
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            sql);
    assertThat(seeded.code()).as("the seed: " + seeded.output()).isZero();
    assertThat(seeded.output()).contains("seeded 3 products");
    dataEnv =
        List.of(
            "POSTGRES_SERVICE_HOST=127.0.0.1",
            "POSTGRES_SERVICE_PORT=" + pgPort,
            "DB_USER=" + user,
            "DB_PASSWORD=" + password,
            "REDIS_SERVICE_HOST=127.0.0.1",
            "REDIS_SERVICE_PORT=" + redisPort,
            "REDIS_PASSWORD=" + redisPassword);
  }

  /** The SQL of the stack's seed: the ConfigMap seed-sql in examples/deploy/datastores. */
  private static String seedSql() throws IOException {
    Path seed = Path.of("../examples/deploy/datastores/seed.yaml");
    return dev.previewenv.core.ManifestSource.yaml(seed.toString(), Files.readString(seed))
        .load()
        .stream()
        .filter(o -> o instanceof io.fabric8.kubernetes.api.model.ConfigMap)
        .map(o -> ((io.fabric8.kubernetes.api.model.ConfigMap) o).getData().get("orders.sql"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap with orders.sql in " + seed));
  }

  @AfterAll
  void removeContainers() throws Exception {
    for (String name : containers) {
      docker(Duration.ofSeconds(60), "rm", "-f", name);
    }
  }

  @Test
  void suitePassesAgainstHealthyStack(@TempDir Path dir) throws Exception {
    Result result = runSuite("ok", ordersPort, dir);

    assertThat(result.code())
        .as("E2E container exit code; its output:\n" + result.output())
        .isZero();
    JsonNode summary = summary(dir);
    assertThat(summary.get("status").asString()).isEqualTo("PASSED");
    assertThat(summary.get("tests").get("succeeded").asInt()).isEqualTo(10);
    assertThat(summary.get("tests").get("aborted").asInt())
        .as(
            "AdminProtectionE2E and FrontEndE2E's ingress check skip: attach mode without"
                + " kubeconfig or service account")
        .isEqualTo(2);
    assertThat(summary.get("failures").size()).isZero();
    String xml = xml(dir);
    assertThat(xml)
        .contains("tests=\"12\"")
        .contains("failures=\"0\"")
        .contains("classname=\"dev.previewenv.e2e.OrderFlowE2E\"")
        .contains("name=\"orderForUnknownProductIsRejectedWith422()\"");
    assertThat(result.output()).contains("E2E: PASSED (exit 0)");
  }

  @Test
  void suiteFailsWithExitCodeOneWhenOrdersCannotReachCatalog(@TempDir Path dir) throws Exception {
    int deadPort = freePort();
    int brokenOrdersPort = freePort();
    startService(
        "orders-broken",
        "orders",
        brokenOrdersPort,
        concat(dataEnv, List.of("CATALOG_URL=http://127.0.0.1:" + deadPort)));
    awaitListening(brokenOrdersPort);

    Result result = runSuite("broken", brokenOrdersPort, dir);

    assertThat(result.code())
        .as("E2E container exit code; its output:\n" + result.output())
        .isEqualTo(1);
    JsonNode summary = summary(dir);
    assertThat(summary.get("status").asString()).isEqualTo("FAILED");
    assertThat(summary.get("tests").get("failed").asInt()).isEqualTo(3);
    List<String> failed = new ArrayList<>();
    summary.get("failures").forEach(f -> failed.add(f.get("test").asString()));
    assertThat(failed)
        .containsExactlyInAnyOrder(
            "dev.previewenv.e2e.OrderFlowE2E#orderForCatalogProductIsAcceptedAndCanBeReadBack",
            "dev.previewenv.e2e.OrderFlowE2E#orderForUnknownProductIsRejectedWith422",
            "dev.previewenv.e2e.DataPathE2E#anOrderIsARowInPostgresAndItsSecondReadIsServedFromRedis");
    assertThat(summary.get("failures").get(0).get("message").asString()).contains("502");
    assertThat(xml(dir)).contains("failures=\"3\"").contains("<failure");
  }

  // ---- containers ----

  private static String image(String service) {
    return PREFIX + "previewenv-examples/" + service + ":" + TAG;
  }

  private void startService(String service, int port, List<String> env) throws Exception {
    startService(service, service, port, env);
  }

  private void startService(String name, String service, int port, List<String> env)
      throws Exception {
    String container = run + "-" + name;
    List<String> args =
        new ArrayList<>(List.of("run", "-d", "--name", container, "--network", "host"));
    containers.add(container);
    for (String e : concat(List.of("PORT=" + port, "BIND_ADDRESS=127.0.0.1"), env)) {
      args.add("-e");
      args.add(e);
    }
    args.add(image(service));
    Result started = docker(Duration.ofSeconds(60), args.toArray(String[]::new));
    assertThat(started.code()).as("docker run " + container + ": " + started.output()).isZero();
  }

  private Result runSuite(String label, int orders, Path dir) throws Exception {
    Path results = Files.createDirectories(dir.resolve("results"));
    Path log = Files.createFile(dir.resolve("termination-log"));
    String container = run + "-e2e-" + label;
    containers.add(container);
    return docker(
        Duration.ofMinutes(3),
        "run",
        "--name",
        container,
        "--network",
        "host",
        // attach mode as in the E2E Job, but no cluster: the URLs are given, nothing is looked up
        "-e",
        "PREVIEWENV_NAMESPACE=" + run,
        "-e",
        "PREVIEWENV_SERVICE_URL_CATALOG=http://127.0.0.1:" + catalogPort,
        "-e",
        "PREVIEWENV_SERVICE_URL_ORDERS=http://127.0.0.1:" + orders,
        "-e",
        "PREVIEWENV_SERVICE_URL_ADMIN=http://127.0.0.1:" + adminPort,
        "-e",
        "PREVIEWENV_SERVICE_URL_WEB=http://127.0.0.1:" + webPort,
        "-e",
        "PREVIEWENV_E2E_AWAIT_SECONDS=30",
        "-v",
        results + ":/results",
        "-v",
        log + ":/dev/termination-log",
        E2E_IMAGE);
  }

  private static JsonNode summary(Path dir) throws IOException {
    Path log = dir.resolve("termination-log");
    assertThat(Files.size(log)).isPositive().isLessThanOrEqualTo(TerminationMessage.MAX_BYTES);
    return JsonMapper.builder().build().readTree(Files.readString(log));
  }

  private static String xml(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("results"))) {
      List<Path> xml = files.filter(f -> f.toString().endsWith(".xml")).toList();
      assertThat(xml).as("JUnit XML in the mounted results folder").hasSize(1);
      return Files.readString(xml.get(0));
    }
  }

  // ---- plumbing ----

  private record Result(int code, String output) {}

  private static Result docker(Duration timeout, String... args) throws Exception {
    List<String> command = concat(List.of("docker"), List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return new Result(127, "cannot start docker: " + e.getMessage());
    }
    StringBuilder output = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                output.append(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                output.append("(output unreadable: ").append(e).append(')');
              }
            });
    reader.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      reader.join(5_000);
      throw new AssertionError(
          String.join(" ", command) + " did not finish within " + timeout + "; output: " + output);
    }
    reader.join(5_000);
    return new Result(process.exitValue(), output.toString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }

  /** Polls (bounded) until something accepts connections on 127.0.0.1:port. */
  private static void awaitListening(int port) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    IOException last = null;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new AssertionError("nothing listened on 127.0.0.1:" + port + " within 60 s: " + last);
  }

  private static <T> List<T> concat(List<T> a, List<T> b) {
    List<T> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
