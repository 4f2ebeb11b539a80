package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.RequestSpecification;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;

class InjectionTest {
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

  /** A team's composed annotation. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE)
  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  @interface ShopEnvironment {}

  @ShopEnvironment
  static class InjectsEverything {
    private final URI apiFromConstructor;

    InjectsEverything(@ServiceUrl("api") URI api) {
      this.apiFromConstructor = api;
    }

    @Test
    void injects(
        Preview preview,
        KubernetesClient client,
        @ServiceUrl("api") URI api,
        @ServiceUrl("api") String apiText,
        @ServiceUrl("web") URL web,
        @ServiceUrl("api") RequestSpecification spec,
        TestReporter reporter) {
      FilterableRequestSpecification filterable = (FilterableRequestSpecification) spec;
      reporter.publishEntry(
          Map.of(
              "namespace", preview.namespace(),
              "clientSeesNamespace",
                  Boolean.toString(client.namespaces().withName(preview.namespace()).get() != null),
              "api", api.toString(),
              "apiText", apiText,
              "web", web.toString(),
              "constructor", apiFromConstructor.toString(),
              "restBase", filterable.getBaseUri() + "|" + filterable.getBasePath()));
    }

    @Nested
    class Inner {
      @Test
      void nestedClassesShareTheEnvironment(Preview preview, TestReporter reporter) {
        reporter.publishEntry("nested", preview.namespace());
      }
    }
  }

  @ShopEnvironment
  static class UnknownService {
    @Test
    void test(@ServiceUrl("payments") URI payments) {}
  }

  @ShopEnvironment
  static class UnsupportedType {
    @Test
    void test(@ServiceUrl("api") Integer port) {}
  }

  @ShopEnvironment
  static class SpecWithoutService {
    @Test
    void test(RequestSpecification spec) {}
  }

  static class ServiceUrlWithoutEnvironment {
    @Test
    void test(@ServiceUrl("api") URI api) {}
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.METHOD)
  @PreviewEnvironment(manifests = "classpath:previewenv/shop.yaml")
  @interface OnMethod {}

  static class AnnotatedMethod {
    @Test
    @OnMethod
    void test() {}
  }

  @PreviewEnvironment(
      manifests = {"classpath:previewenv/shop.yaml", "ftp:somewhere"},
      images = "not an image",
      secrets = "copy-shared-registry",
      ttl = "soon")
  static class BadAnnotation {
    @Test
    void test() {}
  }

  // ---- tests --------------------------------------------------------------------------------

  @Test
  void injectsEveryTypeIntoMethodsConstructorsAndNestedClasses() {
    EngineExecutionResults results = cluster.run(InjectsEverything.class);

    results.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
    Map<String, String> e =
        LifecycleTest.entries(results).stream()
            .filter(m -> m.containsKey("api"))
            .findFirst()
            .orElseThrow();
    assertThat(e)
        .containsEntry("namespace", "checkout")
        .containsEntry("clientSeesNamespace", "true")
        .containsEntry("api", "http://checkout.api.shop.example.com/v1")
        .containsEntry("apiText", "http://checkout.api.shop.example.com/v1")
        .containsEntry("web", "http://checkout.shop.example.com/")
        .containsEntry("constructor", "http://checkout.api.shop.example.com/v1")
        .containsEntry("restBase", "http://checkout.api.shop.example.com|/v1");
    assertThat(LifecycleTest.entries(results))
        .anySatisfy(m -> assertThat(m).containsEntry("nested", "checkout"));
  }

  @Test
  void unknownServiceListsTheKnownOnes() {
    assertTestFails(
        UnknownService.class,
        ParameterResolutionException.class,
        "@ServiceUrl(\"payments\")",
        "services with routes: api, web");
  }

  @Test
  void unsupportedParameterTypeSaysWhichTypesWork() {
    assertTestFails(
        UnsupportedType.class,
        ParameterResolutionException.class,
        "cannot inject type java.lang.Integer",
        "java.net.URI, java.net.URL, String or RestAssured's RequestSpecification");
  }

  @Test
  void requestSpecificationNeedsAService() {
    assertTestFails(
        SpecWithoutService.class,
        ParameterResolutionException.class,
        "without a service",
        "@ServiceUrl(\"<service>\")");
  }

  @Test
  void serviceUrlWithoutPreviewEnvironmentSaysToAnnotateTheClass() {
    assertTestFails(
        ServiceUrlWithoutEnvironment.class,
        ParameterResolutionException.class,
        "has no @PreviewEnvironment",
        "annotate the test class");
  }

  @Test
  void annotationOnAMethodSaysToMoveItToTheClass() {
    assertTestFails(
        AnnotatedMethod.class,
        ExtensionConfigurationException.class,
        "declared on the method",
        "move it to the class AnnotatedMethod");
    assertThat(cluster.client().namespaces().list().getItems()).isEmpty();
  }

  @Test
  void badAnnotationListsEveryProblemAndProvisionsNothing() {
    EngineExecutionResults results = cluster.run(BadAnnotation.class);

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
                            m.contains("has 4 problems")
                                && m.contains("unknown prefix \"ftp:\"")
                                && m.contains("Image override \"not an image\" is invalid")
                                && m.contains("copy-shared-registry")
                                && m.contains("use a positive duration")))));
    assertThat(cluster.client().namespaces().list().getItems()).isEmpty();
  }

  private void assertTestFails(Class<?> fixture, Class<? extends Throwable> type, String... parts) {
    EngineExecutionResults results = cluster.run(fixture);
    results
        .testEvents()
        .assertThatEvents()
        .haveExactly(
            1,
            event(
                test(),
                finishedWithFailure(
                    instanceOf(type),
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
