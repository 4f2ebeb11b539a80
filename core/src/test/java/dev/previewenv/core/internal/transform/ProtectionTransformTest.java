package dev.previewenv.core.internal.transform;

import static dev.previewenv.core.internal.transform.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProtectionTransformTest {
  @Test
  void protectsIngressesChosenByNameAndByLabels() {
    Ingress pgadmin = ingress("pgadmin", "pgadmin.example.com", "pgadmin");
    Ingress redis = ingress("redis-insight", "redis.example.com", "redis");
    redis.getMetadata().setLabels(Map.of("tier", "tools", "team", "a"));
    Ingress api = ingress("api", "api.example.com", "api");

    Outcome out =
        new ProtectionTransform(
                Set.of("pgadmin"), List.of(Map.of("tier", "tools")), "auth.example.com")
            .apply(List.of(pgadmin, redis, api));

    assertThat(out.problems()).isEmpty();
    for (int i = 0; i < 2; i++) {
      assertThat(out.objects().get(i).getMetadata().getAnnotations())
          .containsEntry(ProtectionTransform.AUTH_URL, "https://auth.example.com/oauth2/auth")
          .containsEntry(
              ProtectionTransform.AUTH_SIGNIN,
              "https://auth.example.com/oauth2/start?rd=$scheme://$host$request_uri")
          .containsEntry(
              ProtectionTransform.AUTH_RESPONSE_HEADERS,
              "X-Auth-Request-User,X-Auth-Request-Email");
    }
    assertThat(out.objects().get(2)).isSameAs(api);
    assertThat(pgadmin.getMetadata().getAnnotations()).isNullOrEmpty();
  }

  @Test
  void refusesSelectorsThatMatchNoIngress() {
    HasMetadata svc = service("pgadmin"); // a Service of that name is not an Ingress
    Outcome out =
        new ProtectionTransform(
                Set.of("pgadmn", "pgadmin"), List.of(Map.of("tier", "tool")), "auth.example.com")
            .apply(List.of(ingress("api", "api.example.com", "api"), svc));
    assertThat(out.problems()).hasSize(3);
    assertThat(String.join("\n", out.problems()))
        .contains("\"pgadmn\"", "\"pgadmin\"", "{tier=tool}", "sensitive tool open");
  }

  @Test
  void refusesProtectionWithoutAuthHost() {
    Outcome out =
        new ProtectionTransform(Set.of("api"), List.of(), null)
            .apply(List.of(ingress("api", "api.example.com", "api")));
    assertThat(out.problems()).singleElement().asString().contains("no auth host", "Ingress/api");
  }

  @Test
  void refusesAnAuthHostWithSchemeOrPath() {
    assertThatThrownBy(
            () -> new ProtectionTransform(Set.of(), List.of(), "https://auth.example.com/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"https://auth.example.com/x\"");
  }

  @Test
  void changesNothingWhenNothingIsChosen() {
    Ingress api = ingress("api", "api.example.com", "api");
    Outcome out = new ProtectionTransform(Set.of(), List.of(), null).apply(List.of(api));
    assertThat(out.problems()).isEmpty();
    assertThat(out.objects().get(0)).isSameAs(api);
  }
}
