package dev.previewenv.core;

import static dev.previewenv.core.TestPlans.configMap;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which URL {@link Preview#url} gives for each {@link Access}. Port-forwards themselves need a real
 * cluster (the in-process server cannot forward); ProvisionerIT opens one.
 */
@EnableKubernetesMockClient(crud = true)
class AccessTest {
  KubernetesClient client;

  private Preview up(String branch, Access access) {
    Route route = new Route("web", "web", "80", branch + ".web.example.com", "/", false);
    return Provisioner.forClient(client)
        .withApplyStrategy(ApplyStrategy.CREATE_OR_UPDATE)
        .withoutReadinessWait()
        .withAccess(access)
        .up(TestPlans.plan(branch, List.of(configMap("c", "k", "v")), List.of(route)));
  }

  @Test
  void ingressAccessGivesTheRewrittenHost() {
    try (Preview preview = up("ingress-access", Access.INGRESS)) {
      assertThat(preview.url("web"))
          .isEqualTo(URI.create("http://ingress-access.web.example.com/"));
      assertThat(preview.access()).isEqualTo(Access.INGRESS);
    }
  }

  @Test
  void autoUsesTheIngressOnceItHasAnAddress() {
    try (Preview preview = up("auto-address", Access.AUTO)) {
      client
          .network()
          .v1()
          .ingresses()
          .inNamespace(preview.namespace())
          .resource(
              new IngressBuilder()
                  .withNewMetadata()
                  .withName("web")
                  .endMetadata()
                  .withNewStatus()
                  .withNewLoadBalancer()
                  .withIngress(new IngressLoadBalancerIngressBuilder().withIp("127.0.0.1").build())
                  .endLoadBalancer()
                  .endStatus()
                  .build())
          .create();
      assertThat(preview.url("web")).isEqualTo(URI.create("http://auto-address.web.example.com/"));
    }
  }

  @Test
  void autoWithoutIngressAddressFallsBackToPortForward() {
    try (Preview preview = up("auto-no-address", Access.AUTO)) {
      // no Service "web" exists: the port-forward attempt says so, proving the fallback was taken
      assertThatThrownBy(() -> preview.url("web"))
          .isInstanceOf(PreviewEnvException.class)
          .hasMessageContaining("Service web not found in environment auto-no-address")
          .hasMessageContaining("port-forward");
    }
  }

  @Test
  void portForwardNamesTheMissingService() {
    try (Preview preview = up("forward-missing", Access.PORT_FORWARD)) {
      assertThatThrownBy(() -> preview.url("nope"))
          .isInstanceOf(PreviewEnvException.class)
          .hasMessageContaining("Service nope not found in environment forward-missing");
    }
  }

  @Test
  void ingressAccessWithoutRouteSuggestsPortForward() {
    try (Preview preview = up("no-route", Access.INGRESS)) {
      assertThatThrownBy(() -> preview.url("db"))
          .isInstanceOf(PreviewEnvException.class)
          .hasMessageContaining("services with routes: web")
          .hasMessageContaining("Access.PORT_FORWARD");
    }
  }

  @Test
  void closedPreviewOpensNoPortForward() {
    Preview preview = up("closed-forward", Access.PORT_FORWARD);
    preview.close();
    assertThatThrownBy(() -> preview.url("web"))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("is closed");
  }
}
