package dev.previewenv.core.internal.transform;

import dev.previewenv.core.testing.TestObjects;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;

/** Small objects for the transformation tests. */
final class Fixtures {
  static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Fixtures() {}

  static Deployment deployment(String name, String image) {
    return TestObjects.deployment(name, image);
  }

  static HasMetadata service(String name) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addToSelector("app", name)
        .addNewPort()
        .withPort(80)
        .endPort()
        .endSpec()
        .build();
  }

  static HasMetadata configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static HasMetadata namespace(String name) {
    return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  static HasMetadata clusterRole(String name) {
    return new ClusterRoleBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  /** An Ingress with one rule for {@code host} to {@code service:80} at {@code /}, TLS for it. */
  static Ingress ingress(String name, String host, String service) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewTl()
        .addToHosts(host)
        .withSecretName(name + "-tls")
        .endTl()
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath("/")
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName(service)
        .withNewPort()
        .withNumber(80)
        .endPort()
        .endService()
        .endBackend()
        .endPath()
        .endHttp()
        .endRule()
        .endSpec()
        .build();
  }

  static GenericKubernetesResource custom(String apiVersion, String kind, String name) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(apiVersion);
    r.setKind(kind);
    r.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    r.getMetadata().setName(name);
    return r;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> tree(HasMetadata o) {
    return SERIALIZATION.convertValue(o, Map.class);
  }

  static <T> T fromYaml(String yaml) {
    return SERIALIZATION.unmarshal(yaml);
  }

  static String yaml(Object o) {
    return SERIALIZATION.asYaml(o);
  }
}
