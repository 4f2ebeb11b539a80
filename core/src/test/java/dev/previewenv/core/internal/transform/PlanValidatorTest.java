package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanValidatorTest {
  @Test
  void acceptsValidNamesPerKind() {
    assertThat(
            PlanValidator.validate(
                List.of(
                    configMap("app.config-1"),
                    service("api"),
                    namespace("pr-1"),
                    clusterRole("system:aggregate-to-view"),
                    custom("batch/v1", "CronJob", "a".repeat(52)))))
        .isEmpty();
  }

  @Test
  void refusesInvalidNamesPerKind() {
    List<String> problems =
        PlanValidator.validate(
            List.of(
                service("1api"),
                service("api.v1"),
                namespace("a.b"),
                configMap("Config_Map"),
                configMap("x".repeat(254)),
                custom("batch/v1", "CronJob", "a".repeat(53)),
                clusterRole("a/b")));
    assertThat(problems).hasSize(7);
    assertThat(problems.get(0)).contains("Service/1api", "DNS-1035");
    assertThat(problems.get(1)).contains("Service/api.v1");
    assertThat(problems.get(2)).contains("Namespace/a.b", "DNS-1123 label");
    assertThat(problems.get(3)).contains("ConfigMap/Config_Map", "DNS-1123 subdomain");
    assertThat(problems.get(4)).contains("254 characters", "253");
    assertThat(problems.get(5)).contains("53 characters", "52");
    assertThat(problems.get(6)).contains("ClusterRole/a/b", "'/'");
  }

  @Test
  void refusesDuplicatesWithinOneGroupKindAndNamespace() {
    HasMetadata a = configMap("c");
    HasMetadata b = configMap("c");
    HasMetadata otherNs = configMap("c");
    otherNs.getMetadata().setNamespace("elsewhere");
    HasMetadata otherGroup = custom("example.com/v1", "ConfigMap", "c");
    List<String> problems = PlanValidator.validate(List.of(a, otherNs, otherGroup, b));
    assertThat(problems).singleElement().asString().contains("ConfigMap/c", "#1", "#4");
  }

  @Test
  void refusesObjectsWithoutKindOrName() {
    HasMetadata noName = configMap(null);
    HasMetadata noKind = custom("v1", null, "x");
    assertThat(PlanValidator.validate(List.of(noName, noKind)))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("object #1", "no metadata.name"))
        .anySatisfy(p -> assertThat(p).contains("object #2", "no kind"));
  }
}
