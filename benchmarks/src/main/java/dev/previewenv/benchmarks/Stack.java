package dev.previewenv.benchmarks;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark stack: {@code services} services, each a Deployment, Service, ConfigMap, Ingress
 * and ServiceAccount (5 objects per service), without namespace (the plan sets it).
 */
final class Stack {
  static final String SECRET_NAMESPACE = "shared";
  static final List<String> SECRETS = List.of("registry-credentials", "tls-wildcard");

  private Stack() {}

  static List<HasMetadata> objects(int services) {
    List<HasMetadata> out = new ArrayList<>(services * 5);
    for (int i = 0; i < services; i++) {
      String name = "svc-" + i;
      Map<String, String> labels = Map.of("app", name);
      out.add(new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build());
      out.add(
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(name + "-config")
              .endMetadata()
              .addToData("LOG_LEVEL", "info")
              .addToData("UPSTREAM", "http://svc-" + ((i + 1) % services) + ":8080")
              .build());
      out.add(
          new ServiceBuilder()
              .withNewMetadata()
              .withName(name)
              .endMetadata()
              .withNewSpec()
              .withSelector(labels)
              .addNewPort()
              .withPort(8080)
              .withTargetPort(new IntOrString(8080))
              .endPort()
              .endSpec()
              .build());
      out.add(
          new DeploymentBuilder()
              .withNewMetadata()
              .withName(name)
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .withReplicas(1)
              .withNewSelector()
              .withMatchLabels(labels)
              .endSelector()
              .withNewTemplate()
              .withNewMetadata()
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .withServiceAccountName(name)
              .addNewContainer()
              .withName("app")
              .withImage("registry.example.com/shop/" + name + ":1.0.0")
              .addNewPort()
              .withContainerPort(8080)
              .endPort()
              .addNewEnvFrom()
              .withNewConfigMapRef()
              .withName(name + "-config")
              .endConfigMapRef()
              .endEnvFrom()
              .endContainer()
              .addNewImagePullSecret("registry-credentials")
              .endSpec()
              .endTemplate()
              .endSpec()
              .build());
      out.add(
          new IngressBuilder()
              .withNewMetadata()
              .withName(name)
              .endMetadata()
              .withNewSpec()
              .addNewTl()
              .addToHosts(name + ".example.com")
              .withSecretName("tls-wildcard")
              .endTl()
              .addNewRule()
              .withHost(name + ".example.com")
              .withNewHttp()
              .addNewPath()
              .withPath("/")
              .withPathType("Prefix")
              .withNewBackend()
              .withNewService()
              .withName(name)
              .withNewPort()
              .withNumber(8080)
              .endPort()
              .endService()
              .endBackend()
              .endPath()
              .endHttp()
              .endRule()
              .endSpec()
              .build());
    }
    return out;
  }
}
