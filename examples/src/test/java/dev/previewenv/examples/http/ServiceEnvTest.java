package dev.previewenv.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceEnvTest {

  @Test
  void prefersExplicitUrlOverKubernetesServiceVariables() {
    ServiceEnv env =
        new ServiceEnv(
            Map.of(
                "CATALOG_URL", "http://catalog:8081/",
                "CATALOG_SERVICE_HOST", "10.0.0.7",
                "CATALOG_SERVICE_PORT", "8081"));

    assertThat(env.serviceUrl("catalog")).isEqualTo(URI.create("http://catalog:8081"));
  }

  @Test
  void fallsBackToKubernetesServiceVariablesWithoutDns() {
    ServiceEnv env =
        new ServiceEnv(Map.of("CATALOG_SERVICE_HOST", "10.0.0.7", "CATALOG_SERVICE_PORT", "8081"));

    assertThat(env.serviceUrl("catalog")).isEqualTo(URI.create("http://10.0.0.7:8081"));
  }

  @Test
  void bracketsIpv6ServiceHosts() {
    ServiceEnv env =
        new ServiceEnv(Map.of("ORDERS_SERVICE_HOST", "fd00::7", "ORDERS_SERVICE_PORT", "8082"));

    assertThat(env.serviceUrl("orders")).isEqualTo(URI.create("http://[fd00::7]:8082"));
  }

  @Test
  void saysWhichVariablesToSetWhenNoAddressIsKnown() {
    assertThatIllegalStateException()
        .isThrownBy(() -> new ServiceEnv(Map.of("CATALOG_URL", " ")).serviceUrl("catalog"))
        .withMessageContaining("CATALOG_URL")
        .withMessageContaining("CATALOG_SERVICE_HOST");
  }

  @Test
  void listensOnPortFromEnvironmentOrDefault() {
    assertThat(new ServiceEnv(Map.of()).listenAddress(8081).getPort()).isEqualTo(8081);
    assertThat(
            new ServiceEnv(Map.of("PORT", "9001", "BIND_ADDRESS", "127.0.0.1")).listenAddress(8081))
        .satisfies(
            a -> {
              assertThat(a.getPort()).isEqualTo(9001);
              assertThat(a.getHostString()).isEqualTo("127.0.0.1");
            });
  }

  @Test
  void rejectsPortThatIsNoPortNumber() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServiceEnv(Map.of("PORT", "http")).listenAddress(8081))
        .withMessageContaining("'http'");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new ServiceEnv(Map.of("PORT", "70000")).listenAddress(8081));
  }
}
