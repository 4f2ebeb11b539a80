package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.previewenv.core.Access;
import dev.previewenv.core.Preview;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The access setting ({@code previewenv.access} and {@link PreviewEnvironment#access()}) reaches
 * the provisioned {@link Preview}, and injected URLs follow it. On the in-process API server a
 * port-forward's local listener opens (its tunnel is only exercised on a real cluster, see core's
 * ProvisionerIT and e2e-suite's ExampleStackIT).
 */
class AccessSettingTest {
  @TempDir Path dir;
  TestCluster cluster;

  @BeforeEach
  void start() {
    cluster = new TestCluster(dir);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  // ---- fixtures ----------------------------------------------------------------------------

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class ReportsUrls {
    @Test
    void urls(
        Preview preview,
        @ServiceUrl("api") URI api,
        @ServiceUrl("api") RequestSpecification spec,
        TestReporter reporter) {
      reporter.publishEntry(
          Map.of(
              "access", preview.access().name(),
              "api", api.toString(),
              "spec", ((FilterableRequestSpecification) spec).getBaseUri()));
    }
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml", access = Access.PORT_FORWARD)
  static class AnnotatedPortForward {
    @Test
    void urls(Preview preview, @ServiceUrl("api") URI api, TestReporter reporter) {
      reporter.publishEntry(Map.of("access", preview.access().name(), "api", api.toString()));
    }
  }

  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  static class MissingService {
    @Test
    void test(@ServiceUrl("payments") URI payments) {}
  }

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void ingressIsTheDefaultAndGivesTheRewrittenIngressUrls() {
    Map<String, String> e = entry(cluster.run(ReportsUrls.class));

    assertThat(e)
        .containsEntry("access", "INGRESS")
        .containsEntry("api", "http://checkout.api.shop.example.com/v1")
        .containsEntry("spec", "http://checkout.api.shop.example.com");
  }

  @Test
  void portForwardSettingReachesThePreviewAndInjectsLoopbackUrls() {
    EngineExecutionResults results =
        cluster
            .request(ReportsUrls.class)
            .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
            .configurationParameter(PreviewEnvironment.ACCESS, "port-forward")
            .execute();

    Map<String, String> e = entry(results);
    assertThat(e).containsEntry("access", "PORT_FORWARD");
    assertThat(e.get("api")).matches("http://127\\.0\\.0\\.1:\\d+");
    assertThat(e.get("spec")).as("one forward per service").isEqualTo(e.get("api"));
  }

  @Test
  void annotationAttributeSetsTheAccessAndTheSettingOverridesIt() {
    Map<String, String> annotated =
        entry(
            cluster
                .request(AnnotatedPortForward.class)
                .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
                .execute());
    assertThat(annotated).containsEntry("access", "PORT_FORWARD");
    assertThat(annotated.get("api")).startsWith("http://127.0.0.1:");

    Map<String, String> overridden =
        entry(
            cluster
                .request(AnnotatedPortForward.class)
                .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
                .configurationParameter(PreviewEnvironment.ACCESS, "INGRESS")
                .execute());
    assertThat(overridden)
        .containsEntry("access", "INGRESS")
        .containsEntry("api", "http://checkout.api.shop.example.com/v1");
  }

  @Test
  void autoWithoutAnIngressAddressForwards() {
    Map<String, String> e =
        entry(
            cluster
                .request(ReportsUrls.class)
                .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
                .configurationParameter(PreviewEnvironment.ACCESS, "auto")
                .execute());

    assertThat(e).containsEntry("access", "AUTO");
    assertThat(e.get("api")).startsWith("http://127.0.0.1:");
  }

  @Test
  void ingressAccessToAServiceWithoutRouteNamesThePortForwardSetting() {
    assertTestFails(
        cluster.run(MissingService.class),
        "@ServiceUrl(\"payments\")",
        "services with routes: api, web",
        "previewenv.access=port-forward");
  }

  @Test
  void portForwardToAMissingServiceSaysItIsNotInTheEnvironment() {
    assertTestFails(
        cluster
            .request(MissingService.class)
            .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
            .configurationParameter(PreviewEnvironment.ACCESS, "port-forward")
            .execute(),
        "Service payments not found in environment checkout",
        "kubectl get services -n checkout");
  }

  @Test
  void unknownAccessValueListsTheAcceptedOnesAndProvisionsNothing() {
    EngineExecutionResults results =
        cluster
            .request(ReportsUrls.class)
            .configurationParameter(PreviewEnvironment.READINESS_TIMEOUT, "60s")
            .configurationParameter(PreviewEnvironment.ACCESS, "tunnel")
            .execute();

    results
        .containerEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                finishedWithFailure(
                    instanceOf(ExtensionConfigurationException.class),
                    message(
                        m ->
                            m.contains("configuration parameter previewenv.access is \"tunnel\"")
                                && m.contains("ingress")
                                && m.contains("port-forward")
                                && m.contains("auto")))));
    assertThat(cluster.client().namespaces().list().getItems()).isEmpty();
  }

  @Test
  void settingIsReadCaseInsensitivelyWithDashOrUnderscore() {
    Map<String, String> variables = new HashMap<>(Map.of("PREVIEWENV_BRANCH", "checkout"));
    Settings settings = new Settings(k -> Optional.empty(), k -> null, variables::get);
    PreviewEnvironment annotation = ReportsUrls.class.getAnnotation(PreviewEnvironment.class);

    for (String value : List.of("PORT-FORWARD", "port_forward", " Port-Forward ")) {
      variables.put("PREVIEWENV_ACCESS", value);
      assertThat(EnvironmentSpec.resolve(annotation, "ReportsUrls", settings, dir).access())
          .as(value)
          .isEqualTo(Access.PORT_FORWARD);
    }
    variables.put("PREVIEWENV_ACCESS", "Auto");
    assertThat(EnvironmentSpec.resolve(annotation, "ReportsUrls", settings, dir).access())
        .isEqualTo(Access.AUTO);
  }

  private static Map<String, String> entry(EngineExecutionResults results) {
    assertThat(results.allEvents().failed().stream())
        .as("failures of the fixture")
        .extracting(e -> e.getRequiredPayload(TestExecutionResult.class).getThrowable())
        .isEmpty();
    results.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
    return LifecycleTest.entries(results).get(0);
  }

  private static void assertTestFails(EngineExecutionResults results, String... parts) {
    results
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test(),
                finishedWithFailure(
                    instanceOf(ParameterResolutionException.class),
                    message(
                        m -> {
                          for (String p : parts) {
                            if (!m.contains(p)) {
                              System.err.println("Missing \"" + p + "\" in: " + m);
                              return false;
                            }
                          }
                          return true;
                        }))));
  }
}
