package dev.previewenv.core.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.kube.Coordinates;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryTest {
  private static final Retry.Op PATCH_DEPLOYMENT =
      new Retry.Op("patch", "apps", "deployments", "feature-x", "api");

  private final List<Duration> waits = new ArrayList<>();

  private Retry retry(int attempts, Duration total) {
    RetryPolicy policy =
        RetryPolicy.defaults()
            .withLimits(attempts, total)
            .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
            .withSeed(1);
    return new Retry(policy, waits::add);
  }

  private static KubernetesClientException http(int code, String reason) {
    Status status =
        new StatusBuilder().withCode(code).withReason(reason).withMessage(reason).build();
    return new KubernetesClientException(reason, code, status);
  }

  private static KubernetesClientException tooManyRequests(int retryAfterSeconds) {
    Status status =
        new StatusBuilder()
            .withCode(429)
            .withReason("TooManyRequests")
            .withNewDetails()
            .withRetryAfterSeconds(retryAfterSeconds)
            .endDetails()
            .build();
    return new KubernetesClientException("too many requests", 429, status);
  }

  @Test
  void retries5xx429AndResetsUntilSuccess() {
    AtomicInteger calls = new AtomicInteger();
    List<RuntimeException> failures =
        List.of(
            http(503, "ServiceUnavailable"),
            tooManyRequests(2),
            new KubernetesClientException(
                "request failed", new SocketException("Connection reset")),
            http(500, "InternalError"));

    String result =
        retry(6, Duration.ofSeconds(30))
            .call(
                PATCH_DEPLOYMENT,
                () -> {
                  int n = calls.getAndIncrement();
                  if (n < failures.size()) {
                    throw failures.get(n);
                  }
                  return "applied";
                });

    assertThat(result).isEqualTo("applied");
    assertThat(calls).hasValue(5);
    assertThat(waits).hasSize(4);
    assertThat(waits.get(1)).isGreaterThanOrEqualTo(Duration.ofSeconds(2)); // Retry-After
    assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    assertThat(waits.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
  }

  @Test
  void jitterIsReproducibleWithASeed() {
    List<Duration> first = new ArrayList<>();
    List<Duration> second = new ArrayList<>();
    for (List<Duration> sink : List.of(first, second)) {
      Retry r =
          new Retry(
              RetryPolicy.defaults()
                  .withBackoff(Duration.ofMillis(100), Duration.ofSeconds(5))
                  .withSeed(99),
              sink::add);
      try {
        r.call(
            PATCH_DEPLOYMENT,
            () -> {
              throw http(503, "ServiceUnavailable");
            });
      } catch (PreviewEnvException expected) {
        // gave up
      }
    }
    assertThat(first).hasSize(5).isEqualTo(second);
  }

  @Test
  void givesUpAfterMaxAttemptsNamingTheRequestAndTheLastAnswer() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(3, Duration.ofSeconds(30))
                    .run(
                        PATCH_DEPLOYMENT,
                        () -> {
                          calls.incrementAndGet();
                          throw http(503, "ServiceUnavailable");
                        }))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("Gave up on patch apps/deployments/api in namespace feature-x")
        .hasMessageContaining("after 3 attempt(s)")
        .hasMessageContaining("HTTP 503 ServiceUnavailable");
    assertThat(calls).hasValue(3);
  }

  @Test
  void givesUpWhenTheNextBackoffWouldPassTheTotalTime() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(10, Duration.ofSeconds(1))
                    .run(
                        PATCH_DEPLOYMENT,
                        () -> {
                          calls.incrementAndGet();
                          throw tooManyRequests(5); // Retry-After 5 s > 1 s budget
                        }))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("after 1 attempt(s)");
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void doesNotRetryAnswersRetryingCannotFix() {
    for (int code : new int[] {400, 404, 409, 422}) {
      AtomicInteger calls = new AtomicInteger();
      KubernetesClientException answer = http(code, "Nope");
      assertThatThrownBy(
              () ->
                  retry(6, Duration.ofSeconds(30))
                      .run(
                          PATCH_DEPLOYMENT,
                          () -> {
                            calls.incrementAndGet();
                            throw answer;
                          }))
          .isSameAs(answer);
      assertThat(calls).as("calls for " + code).hasValue(1);
    }
    assertThat(
            Retry.retryable(
                new KubernetesClientTimeoutException(
                    List.of(), 1, java.util.concurrent.TimeUnit.SECONDS)))
        .isFalse();
    assertThat(waits).isEmpty();
  }

  @Test
  void forbiddenNamesVerbResourceNamespaceAndTheMissingRule() {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () ->
                retry(6, Duration.ofSeconds(30))
                    .run(
                        PATCH_DEPLOYMENT,
                        () -> {
                          calls.incrementAndGet();
                          throw http(403, "Forbidden");
                        }))
        .isInstanceOf(PreviewEnvException.class)
        .hasMessageContaining("refused to patch apps/deployments/api in namespace feature-x")
        .hasMessageContaining("apiGroups: [\"apps\"], resources: [deployments], verbs: [patch]");
    assertThat(calls).hasValue(1);
  }

  @Test
  void answersAboutSecretsLoseTheServersMessage() {
    Retry.Op op = new Retry.Op("create", "", "secrets", "feature-x", "db");
    KubernetesClientException quoting =
        new KubernetesClientException(
            "Secret is invalid: data.password: hunter2",
            422,
            new StatusBuilder()
                .withCode(422)
                .withReason("Invalid")
                .withMessage("data.password: hunter2")
                .build());
    Throwable t =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                retry(6, Duration.ofSeconds(30))
                    .run(
                        op,
                        () -> {
                          throw quoting;
                        }));
    assertThat(t).isInstanceOf(KubernetesClientException.class);
    assertThat(((KubernetesClientException) t).getCode()).isEqualTo(422);
    assertThat(t.getMessage()).contains("HTTP 422 Invalid").doesNotContain("hunter2");
    assertThat(t.getCause()).isNull();
  }

  @Test
  void pluralsFollowKubernetesResourceNames() {
    assertThat(Coordinates.plural("Ingress")).isEqualTo("ingresses");
    assertThat(Coordinates.plural("NetworkPolicy")).isEqualTo("networkpolicies");
    assertThat(Coordinates.plural("Gateway")).isEqualTo("gateways");
    assertThat(Coordinates.group("apps/v1")).isEqualTo("apps");
    assertThat(Coordinates.group("v1")).isEmpty();
  }
}
