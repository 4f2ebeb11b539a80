package dev.previewenv.core;

import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A custom readiness check, run after the workloads are ready and until it passes or the readiness
 * timeout ends (e.g. HTTP 200 from a health URL), like Testcontainers' wait strategies.
 *
 * <p>Implementations answer {@link #probe} once per call, quickly (a few seconds at most) and
 * without sleeping; the waiter calls it again with a growing pause (50 ms doubling up to 1 s) until
 * it reports ready. A probe that throws counts as not ready, with the exception's message as the
 * observed state. {@link #description()} and the observed state appear in timeout messages, so
 * neither may contain secret values.
 *
 * <pre>{@code
 * ReadinessCheck.http(URI.create("https://pr-42.api.example.com/health"), 200)
 * ReadinessCheck.ingressAddress("api")
 * }</pre>
 */
public interface ReadinessCheck {
  /** What is awaited, for messages, e.g. {@code HTTP 200 from https://x.example.com/health}. */
  String description();

  /**
   * Probes once.
   *
   * @param client the environment's client
   * @param namespace the environment's namespace
   * @return whether the check passed and what was observed
   */
  Result probe(KubernetesClient client, String namespace) throws Exception;

  /**
   * The outcome of one probe.
   *
   * @param ready whether the awaited state was seen
   * @param observed what was seen, for messages (e.g. {@code HTTP 503})
   */
  record Result(boolean ready, String observed) {
    public Result {
      Objects.requireNonNull(observed, "observed");
    }

    public static Result ready(String observed) {
      return new Result(true, observed);
    }

    public static Result notReady(String observed) {
      return new Result(false, observed);
    }
  }

  /**
   * Passes when a GET of {@code uri} answers {@code expectedStatus} (redirects are not followed;
   * each request times out after 5 s).
   */
  static ReadinessCheck http(URI uri, int expectedStatus) {
    Objects.requireNonNull(uri, "uri");
    if (expectedStatus < 100 || expectedStatus > 599) {
      throw new IllegalArgumentException(
          "expectedStatus must be an HTTP status (100-599), was " + expectedStatus);
    }
    Duration requestTimeout = Duration.ofSeconds(5);
    HttpClient http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    return new ReadinessCheck() {
      @Override
      public String description() {
        return "HTTP " + expectedStatus + " from " + uri;
      }

      @Override
      public Result probe(KubernetesClient client, String namespace)
          throws IOException, InterruptedException {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        String observed = "HTTP " + response.statusCode();
        return new Result(response.statusCode() == expectedStatus, observed);
      }

      @Override
      public String toString() {
        return description();
      }
    };
  }

  /**
   * Passes when the Ingress {@code name} in the environment's namespace has an address in {@code
   * status.loadBalancer.ingress} (an IP or a hostname), as set by the ingress controller.
   */
  static ReadinessCheck ingressAddress(String name) {
    Objects.requireNonNull(name, "name");
    return new ReadinessCheck() {
      @Override
      public String description() {
        return "Ingress/" + name + " has a load-balancer address";
      }

      @Override
      public Result probe(KubernetesClient client, String namespace) {
        Ingress ingress =
            client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
        if (ingress == null) {
          return Result.notReady("Ingress/" + name + " not found");
        }
        List<IngressLoadBalancerIngress> addresses =
            ingress.getStatus() == null || ingress.getStatus().getLoadBalancer() == null
                ? List.of()
                : ingress.getStatus().getLoadBalancer().getIngress();
        String found =
            addresses == null
                ? ""
                : addresses.stream()
                    .map(a -> a.getIp() != null ? a.getIp() : a.getHostname())
                    .filter(Objects::nonNull)
                    .collect(Collectors.joining(", "));
        return found.isEmpty()
            ? Result.notReady("no address in status.loadBalancer.ingress")
            : Result.ready("address " + found);
      }

      @Override
      public String toString() {
        return description();
      }
    };
  }
}
