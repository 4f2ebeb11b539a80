package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.testing.TestObjects;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class PlanBuilderTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final EnvironmentName ENV = EnvironmentName.of("pr-7");

  private static Deployment deployment(String name, String image) {
    return TestObjects.deployment(name, image);
  }

  private static HasMetadata service(String name) {
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

  private static Ingress ingress(String name, String host) {
    return new IngressBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewRule()
        .withHost(host)
        .withNewHttp()
        .addNewPath()
        .withPath("/")
        .withPathType("Prefix")
        .withNewBackend()
        .withNewService()
        .withName(name)
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

  private static Plan.Builder stack() {
    return Plan.builder(ENV)
        .source(
            ManifestSource.objects(
                deployment("api", "api:1"),
                service("api"),
                ingress("api", "api.example.com"),
                deployment("pgadmin", "dpage/pgadmin4:8"),
                ingress("pgadmin", "pgadmin.example.com")));
  }

  @Test
  void runsEveryStageInOrder() {
    Plan plan =
        stack()
            .image("api=registry.example.com:5000/team/api:sha-1f2e")
            .protect("pgadmin")
            .authHost("auth.example.com")
            .externalDnsTtl(Duration.ofMinutes(1))
            .build();

    assertThat(plan.objects())
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactly(
            "Deployment/api",
            "Service/api",
            "Ingress/api",
            "Deployment/pgadmin",
            "Ingress/pgadmin");
    assertThat(plan.objects())
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("pr-7"))
        .allSatisfy(
            o ->
                assertThat(o.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "previewenv")
                    .containsEntry("previewenv.dev/environment", "pr-7"));
    Deployment api = (Deployment) plan.objects().get(0);
    assertThat(api.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("registry.example.com:5000/team/api:sha-1f2e");
    assertThat(plan.objects().get(4).getMetadata().getAnnotations())
        .containsEntry(
            "nginx.ingress.kubernetes.io/auth-url", "https://auth.example.com/oauth2/auth")
        .containsEntry("external-dns.alpha.kubernetes.io/hostname", "pr-7.pgadmin.example.com")
        .containsEntry("external-dns.alpha.kubernetes.io/ttl", "60");
    assertThat(plan.objects().get(2).getMetadata().getAnnotations())
        .doesNotContainKey("nginx.ingress.kubernetes.io/auth-url");
    assertThat(plan.routes())
        .extracting(Route::url)
        .extracting(Object::toString)
        .containsExactly("http://pr-7.api.example.com/", "http://pr-7.pgadmin.example.com/");
    assertThat(plan.warnings()).isEmpty();
  }

  @Test
  void keepsAWarningForAnOverrideThatMatchesNothingWhenAllowed() {
    Plan plan = stack().image("apii:2").strictImages(false).build();
    assertThat(plan.warnings()).singleElement().asString().contains("apii:2");
  }

  @Test
  void anOverrideThatMatchesNothingFailsByDefaultNamingTheClosestImageAndTheSetting() {
    Plan.Builder builder =
        Plan.builder(EnvironmentName.forBranch("pr-7"))
            .source(
                ManifestSource.objects(
                    deployment("api", "previewenv-examples/api:local"),
                    deployment("web", "previewenv-examples/web:local")))
            .image("api=registry.example.com/api:sha-1f2e");

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            InvalidPlanException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "image override \"api=registry.example.com/api:sha-1f2e\" matches no"
                            + " container image in the 2 objects (names are compared in full,"
                            + " registry included, without tag or digest); closest image names:"
                            + " previewenv-examples/api. Use the name as the manifests write it,"
                            + " e.g. previewenv-examples/api=registry.example.com/api:sha-1f2e, or"
                            + " set previewenv.images.unmatched=warn to let it pass with a"
                            + " warning"));
  }

  @Test
  void reportsEveryProblemOfEveryStageInOneException() {
    HasMetadata clusterRole =
        new ClusterRoleBuilder().withNewMetadata().withName("reader").endMetadata().build();
    HasMetadata elsewhere =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName("cfg")
            .withNamespace("prod")
            .endMetadata()
            .build();
    ManifestSource broken =
        new ManifestSource() {
          @Override
          public List<HasMetadata> load() {
            throw new InvalidPlanException(
                "bad file", List.of("file deploy/x.yaml, document 2: missing kind"));
          }

          @Override
          public String description() {
            return "file deploy/x.yaml";
          }
        };
    Plan.Builder builder =
        stack()
            .source(
                ManifestSource.objects(
                    clusterRole,
                    elsewhere,
                    service("Bad_Name"),
                    service("api"),
                    ingress("long", "x".repeat(60) + ".example.com")),
                broken)
            .hostFormat("{env}-{host}")
            .image("nothing:1")
            .strictImages(true)
            .protect("pgadmn")
            .authHost("auth.example.com");

    assertThatThrownBy(builder::build)
        .isInstanceOfSatisfying(
            InvalidPlanException.class,
            e -> {
              assertThat(e.getMessage()).contains("pr-7", "nothing was sent");
              assertThat(String.join("\n", e.problems()))
                  .contains(
                      "document 2: missing kind",
                      "ClusterRole/reader",
                      "ConfigMap/prod/cfg",
                      "\"nothing:1\"",
                      "Ingress/long",
                      "\"pgadmn\"",
                      "Service/pr-7/Bad_Name",
                      "Service/pr-7/api appears twice");
              assertThat(e.problems()).hasSize(8);
            });
  }

  @Test
  void refusesTwoOverridesOfOneImage() {
    assertThatThrownBy(() -> stack().image("api:2").image("api=reg/api").build())
        .isInstanceOf(InvalidPlanException.class)
        .hasMessageContaining("image \"api\" is overridden more than once");
  }

  @Test
  void listsEveryBadImageOverrideAtOnce() {
    assertThatThrownBy(() -> Plan.builder(ENV).images(List.of("api:2", "web", "x=")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"web\"")
        .hasMessageContaining("\"x=\"");
  }

  @Test
  void buildersAreImmutable() {
    Plan.Builder base = stack();
    Plan.Builder overridden = base.image("api:2");
    Deployment fromBase = (Deployment) base.build().objects().get(0);
    Deployment fromOverridden = (Deployment) overridden.build().objects().get(0);
    assertThat(fromBase.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("api:1");
    assertThat(fromOverridden.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("api:2");
  }

  @Test
  void refusesBadSettingsAtOnce() {
    assertThatThrownBy(() -> Plan.builder(ENV).hostFormat("{host}"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Plan.builder(ENV).authHost("https://auth"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Plan.builder(ENV).externalDnsTtl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Plan.builder(ENV).protectLabelled(Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rendersYamlThatLoadsBackToTheSameObjectsInTheSameOrder() {
    Plan plan = stack().image("api:2").protect("pgadmin").authHost("auth.example.com").build();
    List<HasMetadata> reloaded = new ArrayList<>();
    for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(plan.toYaml())) {
      reloaded.add(SERIALIZATION.unmarshal(SERIALIZATION.asJson(doc)));
    }
    assertThat(reloaded).isEqualTo(plan.objects());
    assertThat(
            stack().image("api:2").protect("pgadmin").authHost("auth.example.com").build().toYaml())
        .isEqualTo(plan.toYaml());
  }

  @Test
  void transformsAThousandObjects() {
    List<HasMetadata> objects = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      objects.add(deployment("app-" + i, "app:1"));
      objects.add(service("app-" + i));
      objects.add(ingress("app-" + i, "app-" + i + ".example.com"));
      objects.add(
          new ConfigMapBuilder().withNewMetadata().withName("cfg-" + i).endMetadata().build());
    }
    Plan plan =
        Plan.builder(ENV)
            .source(ManifestSource.objects(objects))
            .image("app:2")
            .strictImages(true)
            .build();
    assertThat(plan.objects()).hasSize(1000);
    assertThat(plan.routes()).hasSize(250);
    assertThat(plan.toYaml()).doesNotContain("app:1").contains("image: \"app:2\"");
  }
}
