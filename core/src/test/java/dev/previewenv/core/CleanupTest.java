package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static dev.previewenv.core.TestPlans.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class CleanupTest {
  KubernetesClient client;

  private Provisioner provisioner(Cleanup cleanup) {
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withoutReadinessWait()
        .withWaitTimeout(Duration.ofSeconds(3))
        .withCleanup(cleanup);
  }

  private boolean exists(String ns) {
    return client.namespaces().withName(ns).get() != null;
  }

  @Test
  void alwaysDeletesOnClose() {
    try (Preview preview =
        provisioner(Cleanup.ALWAYS).up(plan("always", configMap("a", "k", "v")))) {
      preview.markFailed();
      assertThat(exists("always")).isTrue();
    }
    assertThat(exists("always")).isFalse();
  }

  @Test
  void onSuccessDeletesWhenNotMarkedFailed() {
    try (Preview preview =
        provisioner(Cleanup.ON_SUCCESS).up(plan("good-run", configMap("a", "k", "v")))) {
      assertThat(preview.failed()).isFalse();
    }
    assertThat(exists("good-run")).isFalse();
  }

  @Test
  void keepsNamespaceWhenRunFailedAndCleanupIsOnSuccess() {
    try (Preview preview =
        provisioner(Cleanup.ON_SUCCESS).up(plan("bad-run", configMap("a", "k", "v")))) {
      preview.markFailed();
    }
    assertThat(exists("bad-run")).isTrue();
  }

  @Test
  void neverKeepsNamespaceAndCloseTwiceIsHarmless() {
    Preview preview = provisioner(Cleanup.NEVER).up(plan("kept", configMap("a", "k", "v")));
    preview.close();
    preview.close();
    assertThat(exists("kept")).isTrue();
  }

  @Test
  void failedUpIsCleanedUpWithAlwaysAndKeptOtherwise() {
    var bad =
        new io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder()
            .withApiVersion("nonexistent.example.com/v1")
            .withKind("Gadget")
            .withNewMetadata()
            .withName("bad")
            .endMetadata()
            .build();

    assertThatThrownBy(
            () -> provisioner(Cleanup.ALWAYS).up(plan("up-fails", configMap("a", "k", "v"), bad)))
        .isInstanceOf(PreviewEnvException.class);
    assertThat(exists("up-fails")).isFalse();

    assertThatThrownBy(
            () ->
                provisioner(Cleanup.ON_SUCCESS)
                    .up(plan("up-fails-kept", configMap("a", "k", "v"), bad)))
        .isInstanceOf(PreviewEnvException.class);
    assertThat(exists("up-fails-kept")).isTrue();
  }

  @Test
  void downRefusesNamespaceOfAnotherEnvironment() {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName("theirs")
                .addToLabels("app.kubernetes.io/managed-by", "argocd")
                .endMetadata()
                .build())
        .create();

    assertThatThrownBy(() -> provisioner(Cleanup.ALWAYS).down(EnvironmentName.of("theirs")))
        .hasMessageContaining("Refusing to delete namespace theirs")
        .hasMessageContaining("managed by argocd");
    assertThat(exists("theirs")).isTrue();
  }

  @Test
  void downOfMissingEnvironmentDoesNothing() {
    provisioner(Cleanup.ALWAYS).down(EnvironmentName.of("never-made"));
    assertThat(exists("never-made")).isFalse();
  }

  @Test
  void stuckNamespaceReportsConditionsAndBlockingFinalizersByName() {
    Provisioner p = provisioner(Cleanup.ALWAYS).withWaitTimeout(Duration.ofSeconds(2));
    Preview preview = p.up(plan("stuck", configMap("guarded", "k", "v")));
    client
        .configMaps()
        .inNamespace("stuck")
        .withName("guarded")
        .edit(
            c -> {
              c.getMetadata().setFinalizers(List.of("example.com/keep-me"));
              return c;
            });
    client
        .namespaces()
        .withName("stuck")
        .edit(
            n -> {
              n.getMetadata().setFinalizers(List.of("example.com/ns-guard"));
              n.setStatus(
                  new io.fabric8.kubernetes.api.model.NamespaceStatus(
                      List.of(
                          new NamespaceConditionBuilder()
                              .withType("NamespaceFinalizersRemaining")
                              .withStatus("True")
                              .withMessage(
                                  "Some content in the namespace has finalizers remaining: example.com/keep-me in 1 resource instances")
                              .build(),
                          new NamespaceConditionBuilder()
                              .withType("NamespaceDeletionDiscoveryFailure")
                              .withStatus("False")
                              .build()),
                      "Terminating"));
              return n;
            });

    assertThatThrownBy(preview::close)
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Namespace stuck of environment stuck is still Terminating")
        .hasMessageContaining(
            "NamespaceFinalizersRemaining: Some content in the namespace has finalizers remaining: example.com/keep-me")
        .hasMessageNotContaining("NamespaceDeletionDiscoveryFailure")
        .hasMessageContaining("example.com/ns-guard")
        .hasMessageContaining("ConfigMap/guarded [example.com/keep-me]");
  }

  @Test
  void previewExposesRoutesByServiceAndHost() {
    Plan plan =
        plan(
            "routes",
            List.of(configMap("a", "k", "v")),
            List.of(
                new Route("web", "frontend", "80", "routes.shop.example.com", "/", true),
                new Route("web", "api", "8080", "routes.shop.example.com", "/api", true),
                new Route("admin", "api", "8080", "routes.admin.example.com", null, false)));

    try (Preview preview = provisioner(Cleanup.ALWAYS).up(plan)) {
      assertThat(preview.url("api")).isEqualTo(URI.create("https://routes.shop.example.com/api"));
      assertThat(preview.urlsByService().get("api"))
          .containsExactly(
              URI.create("https://routes.shop.example.com/api"),
              URI.create("http://routes.admin.example.com/"));
      assertThat(preview.urlsByHost().get("routes.shop.example.com")).hasSize(2);
      assertThatThrownBy(() -> preview.url("db"))
          .hasMessageContaining("services with routes: frontend, api");
      assertThat(preview.client()).isSameAs(client);
    }
  }
}
