package dev.previewenv.core.internal.provision;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

class ApplyDefaultsTest {

  @Test
  void setsTcpOnServicePortsWithoutProtocolAndLeavesTheInputAlone() {
    Service service =
        new ServiceBuilder()
            .withNewMetadata()
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .addNewPort()
            .withPort(80)
            .endPort()
            .addNewPort()
            .withPort(53)
            .withProtocol("UDP")
            .endPort()
            .endSpec()
            .build();

    Service result = (Service) ApplyDefaults.withProtocolDefaults(service);

    assertThat(result.getSpec().getPorts())
        .extracting(p -> p.getProtocol())
        .containsExactly("TCP", "UDP");
    assertThat(service.getSpec().getPorts().get(0).getProtocol()).isNull();
  }

  @Test
  void setsTcpOnContainerPortsOfPodTemplates() {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("api")
            .endMetadata()
            .withNewSpec()
            .withNewTemplate()
            .withNewSpec()
            .addNewContainer()
            .withName("api")
            .addNewPort()
            .withContainerPort(8080)
            .endPort()
            .endContainer()
            .addNewInitContainer()
            .withName("init")
            .addNewPort()
            .withContainerPort(9090)
            .withProtocol("SCTP")
            .endPort()
            .endInitContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    Deployment result = (Deployment) ApplyDefaults.withProtocolDefaults(deployment);

    var spec = result.getSpec().getTemplate().getSpec();
    assertThat(spec.getContainers().get(0).getPorts().get(0).getProtocol()).isEqualTo("TCP");
    assertThat(spec.getInitContainers().get(0).getPorts().get(0).getProtocol()).isEqualTo("SCTP");
  }

  @Test
  void returnsTheSameObjectWhenNothingIsMissing() {
    HasMetadata cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("c")
            .endMetadata()
            .addToData("ports", "x")
            .build();
    assertThat(ApplyDefaults.withProtocolDefaults(cm)).isSameAs(cm);
  }
}
