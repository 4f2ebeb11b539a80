package dev.previewenv.e2eimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.previewenv.core.E2eJob;
import dev.previewenv.core.E2eResult;
import dev.previewenv.core.EnvironmentName;
import dev.previewenv.core.Preview;
import dev.previewenv.core.testing.RealCluster;
import dev.previewenv.core.testing.TestRegistry;
import dev.previewenv.e2e.ExampleStack;
import dev.previewenv.junit.E2eDynamicTests;
import dev.previewenv.junit.PreviewEnvironment;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * The headline flow on a real cluster: {@code @ExampleStack} provisions the example stack, the E2E
 * image runs the same suite inside the namespace as a Job (attach mode, service URLs on cluster
 * IPs: the cluster has no DNS), and the in-cluster results come back as one dynamic test each, with
 * the JUnit XML written on the host. The fixture runs through EngineTestKit, as a user's test class
 * would run in CI.
 *
 * <p>Where the build has an image registry ({@code PREVIEWENV_REGISTRY}, CI: {@code
 * .ci/registry.sh}), everything comes from it as on a registry-backed cluster: the example images
 * and the E2E image pushed there by Jib, pulled ({@code Always}) with a pull secret copied from a
 * source namespace and attached to the default ServiceAccount and to the E2E Job's ServiceAccount.
 * Without one, the local images of the node's Docker engine are used ({@code Never}).
 */
@RealCluster
class InClusterE2eIT {
  private static final String TAG = System.getProperty("previewenv.examples.image.tag", "local");
  private static final java.util.Optional<TestRegistry> REGISTRY = TestRegistry.fromEnvironment();
  private static final String PREFIX =
      REGISTRY.map(r -> r.host() + "/").orElse(System.getProperty("previewenv.image.prefix", ""));
  private static final String E2E_IMAGE =
      REGISTRY
          .map(r -> r.host() + "/previewenv-e2e-image:" + TAG)
          .orElse(System.getProperty("previewenv.e2e.image", "previewenv-e2e-image:local"));
  private static final String PULL_POLICY = REGISTRY.isPresent() ? "Always" : "Never";
  private static final List<String> SERVICES = List.of("web", "catalog", "orders", "admin");

  /** The data stores' images (examples/images), local: never in the registry, never pulled. */
  private static final List<String> DATA_IMAGES =
      List.of("previewenv/postgres:local", "previewenv/redis:local");

  private static final String SHOP_SECRET_NS =
      "previewenv-it-shop-" + UUID.randomUUID().toString().substring(0, 6);
  private static final String BRANCH =
      "it/in-cluster-" + UUID.randomUUID().toString().substring(0, 6);
  private static final String NAMESPACE = EnvironmentName.forBranch(BRANCH).value();
  private static final String SOURCE_NS =
      "previewenv-it-pull-" + UUID.randomUUID().toString().substring(0, 6);
  private static final Path REPORTS = Path.of("target", "previewenv-e2e-it");

  /** What a team writes: the suite in the cluster, its results re-emitted here. */
  @ExampleStack
  static class InClusterSuite {
    @TestFactory
    Stream<DynamicTest> e2eInCluster(Preview preview, TestReporter reporter) {
      E2eResult result =
          E2eJob.of(E2E_IMAGE)
              .withImagePullPolicy(PULL_POLICY)
              .withActiveDeadline(Duration.ofMinutes(5))
              .run(preview, line -> System.out.println("[e2e pod] " + line));
      Job job =
          preview
              .client()
              .batch()
              .v1()
              .jobs()
              .inNamespace(preview.namespace())
              .withName(result.jobName())
              .get();
      Map<String, String> entries = new TreeMap<>();
      entries.put("outcome", result.outcome().name());
      entries.put("passed", Integer.toString(result.passed()));
      entries.put("failed", Integer.toString(result.failed()));
      entries.put("skipped", Integer.toString(result.skipped()));
      entries.put("cause", result.cause().map(Object::toString).orElse("none"));
      entries.put("job", result.jobName());
      entries.put("complete", Boolean.toString(result.resultsComplete()));
      entries.put("notRun", result.notRun().isEmpty() ? "none" : String.join(",", result.notRun()));
      entries.put("reports", String.join(",", result.xmlReports().keySet()));
      entries.put(
          "ids",
          result.testCases().stream()
              .map(E2eResult.TestCase::id)
              .sorted()
              .collect(Collectors.joining(",")));
      for (EnvVar e : job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
        if (e.getName().startsWith(E2eJob.ENV_SERVICE_URL_PREFIX)) {
          entries.put("env." + e.getName(), e.getValue());
        }
      }
      for (String service : SERVICES) {
        Service s =
            preview.client().services().inNamespace(preview.namespace()).withName(service).get();
        entries.put(
            "clusterUrl." + service,
            "http://" + s.getSpec().getClusterIP() + ":" + s.getSpec().getPorts().get(0).getPort());
      }
      entries.put(
          "images",
          preview.client().pods().inNamespace(preview.namespace()).list().getItems().stream()
              .flatMap(p -> p.getSpec().getContainers().stream())
              .map(c -> c.getImage() + " " + c.getImagePullPolicy())
              .sorted()
              .distinct()
              .collect(Collectors.joining(",")));
      entries.put(
          "jobPullSecrets",
          preview
              .client()
              .serviceAccounts()
              .inNamespace(preview.namespace())
              .withName(E2eJob.SERVICE_ACCOUNT)
              .get()
              .getImagePullSecrets()
              .stream()
              .map(r -> r.getName())
              .collect(
                  Collectors.collectingAndThen(
                      Collectors.joining(","), j -> j.isEmpty() ? "none" : j)));
      reporter.publishEntry(entries);
      return E2eDynamicTests.of(result, REPORTS);
    }
  }

  @BeforeAll
  static void imagesArePresent(KubernetesClient client) throws Exception {
    for (String image : DATA_IMAGES) {
      Assumptions.assumeTrue(
          localImage(image),
          "image "
              + image
              + " is not in the local Docker engine; build it (root, debootstrap): sudo bash"
              + " examples/images/build-data-images.sh");
    }
    createShopSecret(client);
    if (REGISTRY.isPresent()) {
      // pushed by Jib at package (registry-images profile); the cluster pulls them itself
      REGISTRY
          .get()
          .createPullSecret(client, SOURCE_NS, "registry-credentials", REGISTRY.get().password());
      return;
    }
    List<String> images =
        Stream.concat(
                SERVICES.stream().map(s -> PREFIX + "previewenv-examples/" + s + ":" + TAG),
                Stream.of(E2E_IMAGE))
            .toList();
    for (String image : images) {
      Process p =
          new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      boolean done = p.waitFor(30, TimeUnit.SECONDS);
      Assumptions.assumeTrue(
          done && p.exitValue() == 0,
          "image "
              + image
              + " is not in the local Docker engine (never pulled); build the images:"
              + " PREVIEWENV_BASE_IMAGE=docker://previewenv/jre17:local ./mvnw -B -o install"
              + " -DskipTests -pl examples,e2e-suite,e2e-image -am");
    }
  }

  @AfterAll
  static void leaveNothingBehind(KubernetesClient client) {
    if (client.namespaces().withName(NAMESPACE).get() != null) {
      client.namespaces().withName(NAMESPACE).delete();
    }
    if (client.namespaces().withName(SOURCE_NS).get() != null) {
      client.namespaces().withName(SOURCE_NS).delete();
    }
    if (client.namespaces().withName(SHOP_SECRET_NS).get() != null) {
      client.namespaces().withName(SHOP_SECRET_NS).delete();
    }
  }

  /** Secret shop-db (the stack's PostgreSQL and Redis credentials) in its source namespace. */
  private static void createShopSecret(KubernetesClient client) {
    client
        .resource(
            new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                .withNewMetadata()
                .withName(SHOP_SECRET_NS)
                .endMetadata()
                .build())
        .create();
    client
        .resource(
            new io.fabric8.kubernetes.api.model.SecretBuilder()
                .withNewMetadata()
                .withName("shop-db")
                .withNamespace(SHOP_SECRET_NS)
                .endMetadata()
                .addToStringData("username", "shop_app")
                .addToStringData("password", "db-" + UUID.randomUUID())
                .addToStringData("redis-password", "redis-" + UUID.randomUUID())
                .build())
        .create();
  }

  private static boolean localImage(String image) throws Exception {
    Process p =
        new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
            .redirectErrorStream(true)
            .start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  @Test
  void suiteRunsAsAJobAndEveryInClusterTestComesBackAsADynamicTest(KubernetesClient client)
      throws IOException {
    String images =
        SERVICES.stream()
            .map(
                s ->
                    "previewenv-examples/"
                        + s
                        + "="
                        + PREFIX
                        + "previewenv-examples/"
                        + s
                        + ":"
                        + TAG)
            .collect(Collectors.joining(","));

    var request =
        EngineTestKit.engine("junit-jupiter")
            .selectors(selectClass(InClusterSuite.class))
            .configurationParameter(
                PreviewEnvironment.KUBECONFIG,
                RealCluster.Extension.kubeconfig().orElseThrow().toString())
            .configurationParameter(PreviewEnvironment.IMAGES, images)
            .configurationParameter(PreviewEnvironment.BRANCH, BRANCH)
            .configurationParameter(
                PreviewEnvironment.SECRETS, "copy:" + SHOP_SECRET_NS + "/shop-db")
            .configurationParameter(PreviewEnvironment.OWNER, "in-cluster-e2e-it")
            .configurationParameter(PreviewEnvironment.RETENTION, "always")
            .configurationParameter(PreviewEnvironment.TTL, "30m")
            .configurationParameter(
                PreviewEnvironment.DIAGNOSTICS_DIR, "target/previewenv-it/in-cluster");
    if (REGISTRY.isPresent()) {
      request =
          request
              .configurationParameter(
                  PreviewEnvironment.PULL_SECRETS, SOURCE_NS + "/registry-credentials")
              .configurationParameter(PreviewEnvironment.IMAGE_PULL_POLICY, "Always");
    }
    EngineExecutionResults results = request.execute();

    assertThat(results.allEvents().failed().stream())
        .as("failed events")
        .extracting(
            e ->
                e.getTestDescriptor().getDisplayName()
                    + ": "
                    + e.getRequiredPayload(TestExecutionResult.class).getThrowable())
        .isEmpty();
    Map<String, String> e = entries(results);
    assertThat(e)
        .containsEntry("outcome", "PASSED")
        .containsEntry("failed", "0")
        .containsEntry("skipped", "0")
        .containsEntry("cause", "none");
    if (REGISTRY.isPresent()) {
      assertThat(
              java.util.Arrays.stream(e.get("images").split(","))
                  .filter(i -> DATA_IMAGES.stream().noneMatch(i::startsWith)))
          .as(
              "every pod of the stack and the E2E Job ran a registry image, pulled Always (but the"
                  + " data stores and their seed, which run local images of Debian's packages)")
          .isNotEmpty()
          .allSatisfy(i -> assertThat(i).startsWith(PREFIX).endsWith(" Always"))
          .anySatisfy(i -> assertThat(i).startsWith(E2E_IMAGE));
      assertThat(e.get("jobPullSecrets")).isEqualTo("registry-credentials");
    }
    int passed = Integer.parseInt(e.get("passed"));
    assertThat(passed).isEqualTo(12);
    for (String service : SERVICES) {
      String variable = E2eJob.serviceEnvName(service);
      assertThat(e.get("env." + variable))
          .as(variable + " of the Job: the Service's cluster IP, no DNS needed")
          .isEqualTo(e.get("clusterUrl." + service))
          .matches("http://\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+");
    }

    List<String> dynamic =
        results.testEvents().succeeded().stream()
            .map(Event::getTestDescriptor)
            .filter(d -> d.getType().isTest())
            .map(d -> d.getDisplayName())
            .sorted()
            .toList();
    assertThat(dynamic)
        .as("one dynamic test per in-cluster test, named class#method")
        .containsExactlyElementsOf(List.of(e.get("ids").split(",")))
        .hasSize(12)
        .contains(
            "dev.previewenv.e2e.DataPathE2E#anOrderIsARowInPostgresAndItsSecondReadIsServedFromRedis()",
            "dev.previewenv.e2e.DataPathE2E#theSeedsProductsAreWhatTheCatalogServesFromPostgres()",
            "dev.previewenv.e2e.FrontEndE2E#anOrderPlacedThroughTheFrontEndIsInTheApi()",
            "dev.previewenv.e2e.AdminProtectionE2E#adminIngressCarriesOAuth2ProxyAnnotations(KubernetesClient)",
            "dev.previewenv.e2e.OrderFlowE2E#orderForCatalogProductIsAcceptedAndCanBeReadBack()",
            "dev.previewenv.e2e.HealthE2E#catalogIsUp(RequestSpecification)");
    results.testEvents().assertStatistics(s -> s.succeeded(12).failed(0).aborted(0));

    Path jobReports = REPORTS.resolve(e.get("job"));
    List<Path> xml;
    try (Stream<Path> files = Files.list(jobReports)) {
      xml = files.filter(f -> f.toString().endsWith(".xml")).toList();
    }
    assertThat(xml)
        .as("one report per class, handed back as each class finished")
        .extracting(f -> f.getFileName().toString())
        .containsExactlyInAnyOrder(e.get("reports").split(","))
        .contains("TEST-dev.previewenv.e2e.AdminProtectionE2E.xml")
        .contains("TEST-dev.previewenv.e2e.DataPathE2E.xml")
        .hasSize(5);
    assertThat(
            Files.readString(jobReports.resolve("TEST-dev.previewenv.e2e.AdminProtectionE2E.xml")))
        .contains("failures=\"0\"")
        .contains("classname=\"dev.previewenv.e2e.AdminProtectionE2E\"");
    assertThat(e).containsEntry("complete", "true").containsEntry("notRun", "none");

    assertThat(client.namespaces().withName(NAMESPACE).get())
        .as("namespace " + NAMESPACE + " after the run")
        .isNull();
  }

  private static Map<String, String> entries(EngineExecutionResults results) {
    return results.allEvents().reportingEntryPublished().stream()
        .map(ev -> ev.getRequiredPayload(ReportEntry.class).getKeyValuePairs())
        .findFirst()
        .orElseThrow(() -> new AssertionError("the fixture published nothing"));
  }
}
