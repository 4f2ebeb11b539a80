package dev.previewenv.examples;

import dev.previewenv.core.Access;
import dev.previewenv.core.Cleanup;
import dev.previewenv.core.ClusterUnavailableException;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.ManifestSource;
import dev.previewenv.core.Plan;
import dev.previewenv.core.Preview;
import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.Provisioner;
import dev.previewenv.core.SecretSpec;
import dev.previewenv.examples.http.Json;
import dev.previewenv.examples.load.LoadHarness;
import dev.previewenv.examples.load.LoadReport;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The load and performance harness of the example stack: provisions the {@code load} overlay (2
 * replicas of each service, PostgreSQL, Redis, the seed; Secret {@code shop-db} copied from {@code
 * --secret-source}), prints each phase's time, sends a bounded number of requests of the order flow
 * (writes to PostgreSQL, reads through Redis) through port-forwards, prints throughput and latency
 * percentiles, and tears down (see {@link CliArgs#USAGE}). Everything else a pipeline does (plan,
 * up, e2e, down, gc, status) is the product's {@code previewenv} command (module {@code cli}). Exit
 * codes: 0 done, 1 failed (the message says why), 2 wrong usage or no cluster.
 *
 * <pre>
 * ./mvnw -q exec:java -pl examples -Dexec.mainClass=dev.previewenv.examples.LoadCli \
 *     -Dexec.args="load feature/login --requests 500 --concurrency 8"
 * </pre>
 */
public final class LoadCli {
  /** How long one request of the load harness may take. */
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Function<CliArgs.Cluster, KubernetesClient> connector;
  private final Path workingDirectory;

  LoadCli(
      InputStream in,
      PrintStream out,
      PrintStream err,
      Function<CliArgs.Cluster, KubernetesClient> connector,
      Path workingDirectory) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.connector = connector;
    this.workingDirectory = workingDirectory;
  }

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    LoadCli cli =
        new LoadCli(
            System.in,
            System.out,
            System.err,
            Kubeconfig::connect,
            Path.of(System.getProperty("user.dir")));
    System.exit(cli.run(args));
  }

  /** Runs the command line; returns the exit code. */
  int run(String... args) {
    CliArgs parsed;
    try {
      parsed = CliArgs.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("LoadCli: " + e.getMessage());
      err.println(CliArgs.USAGE);
      return 2;
    }
    if (parsed instanceof CliArgs.Help) {
      out.println(CliArgs.USAGE);
      return 0;
    }
    try {
      CliArgs.Load load = (CliArgs.Load) parsed;
      return withClient(load.cluster(), true, (c, deploy) -> load(c, deploy, load));
    } catch (ClusterUnavailableException | UsageException e) {
      err.println("LoadCli: " + e.getMessage());
      return 2;
    } catch (PreviewEnvException | IllegalStateException e) {
      err.println("LoadCli: " + e.getMessage());
      return 1;
    }
  }

  private int withClient(
      CliArgs.Cluster cluster,
      boolean needsManifests,
      BiFunction<KubernetesClient, Path, Integer> command) {
    // before connecting: a wrong path fails at once
    Path deploy = needsManifests ? deployDirectory(cluster) : null;
    try (KubernetesClient client = connector.apply(cluster)) {
      return command.apply(client, deploy);
    }
  }

  // ---- commands --------------------------------------------------------------------------

  private int load(KubernetesClient client, Path deploy, CliArgs.Load load) {
    EnvironmentName name = EnvironmentName.forBranch("load", load.branch());
    Plan plan = plan(deploy, name, "load", load.images());
    Provisioner provisioner =
        Provisioner.forClient(client)
            .withCleanup(Cleanup.ALWAYS)
            .withAccess(Access.PORT_FORWARD)
            .withSecrets(SecretSpec.copy(load.secretSource(), "shop-db"))
            .withTtl(Duration.ofHours(1))
            .withProgress(
                (phase, took) ->
                    out.println(
                        String.format(
                            Locale.ROOT,
                            "  %-10s done in %.1f s",
                            phase.key(),
                            took.toMillis() / 1000.0)));
    LoadReport report;
    try (Preview preview = provisioner.up(plan)) {
      URI catalog = preview.url("catalog");
      URI orders = preview.url("orders");
      out.println(
          "Environment "
              + name
              + " is up; load through port-forwards: catalog "
              + catalog
              + ", orders "
              + orders);
      String product = firstProduct(catalog);
      String order = placeOrder(orders, product);
      List<LoadHarness.Step> steps =
          List.of(
              new LoadHarness.Step(
                  "POST orders /orders (PostgreSQL)",
                  HttpRequest.newBuilder(orders.resolve("/orders"))
                      .header("Content-Type", "application/json")
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              Json.write(Map.of("productId", product, "quantity", 1))))
                      .build(),
                  201),
              new LoadHarness.Step(
                  "GET orders /orders/" + order + " (Redis)",
                  HttpRequest.newBuilder(orders.resolve("/orders/" + order)).build(),
                  200,
                  "X-Cache"),
              new LoadHarness.Step(
                  "GET catalog /products (PostgreSQL)",
                  HttpRequest.newBuilder(catalog.resolve("/products")).build(),
                  200));
      report = new LoadHarness(load.requests(), load.concurrency(), REQUEST_TIMEOUT).run(steps);
      out.print(report.render());
      out.println("Tearing down " + name);
    }
    out.println("Environment " + name + " deleted.");
    return report.failed() == 0 ? 0 : 1;
  }

  // ---- helpers ---------------------------------------------------------------------------

  private static Plan plan(Path deploy, EnvironmentName name, String overlay, List<String> images) {
    Path dir = deploy.resolve("overlays").resolve(overlay);
    return Plan.builder(name).source(ManifestSource.kustomize(dir)).images(images).build();
  }

  private Path deployDirectory(CliArgs.Cluster cluster) {
    if (cluster.deploy().isPresent()) {
      Path given = workingDirectory.resolve(cluster.deploy().get()).normalize();
      if (!Files.isDirectory(given.resolve("overlays"))) {
        throw new UsageException(
            "--deploy " + given + " has no overlays folder; give the examples' deploy folder");
      }
      return given;
    }
    for (Path candidate :
        List.of(workingDirectory.resolve("deploy"), workingDirectory.resolve("examples/deploy"))) {
      if (Files.isDirectory(candidate.resolve("overlays").resolve("preview"))) {
        return candidate.normalize();
      }
    }
    throw new UsageException(
        "cannot find the example manifests (deploy/overlays/preview) below "
            + workingDirectory
            + "; run from the repository root or the examples folder, or give --deploy <dir>");
  }

  private static String firstProduct(URI catalog) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(catalog.resolve("/products")).timeout(REQUEST_TIMEOUT).build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "catalog answered GET /products with "
                + response.statusCode()
                + " through the port-forward "
                + catalog
                + "; expected 200 and a product list");
      }
      Object parsed = Json.parse(response.body());
      if (parsed instanceof List<?> list
          && !list.isEmpty()
          && list.get(0) instanceof Map<?, ?> first
          && first.get("id") instanceof String id) {
        return id;
      }
      throw new IllegalStateException(
          "catalog's GET /products through "
              + catalog
              + " returned no product with an id; the load mix needs one");
    } catch (IOException e) {
      throw new IllegalStateException(
          "catalog did not answer GET /products through the port-forward " + catalog + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking the catalog for a product", e);
    }
  }

  /** Places one order through the port-forward and returns its id (read by the load mix). */
  private static String placeOrder(URI orders, String product) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build();
    HttpRequest request =
        HttpRequest.newBuilder(orders.resolve("/orders"))
            .timeout(REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.write(Map.of("productId", product, "quantity", 1))))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 201
          && Json.parseObject(response.body()).get("id") instanceof String id) {
        return id;
      }
      throw new IllegalStateException(
          "orders answered POST /orders with "
              + response.statusCode()
              + " through the port-forward "
              + orders
              + ": "
              + response.body()
              + "; expected 201 and the order");
    } catch (IOException e) {
      throw new IllegalStateException(
          "orders did not answer POST /orders through the port-forward " + orders + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while placing the first order", e);
    }
  }

  /** Wrong usage found after parsing (e.g. a missing folder); exit code 2. */
  static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
