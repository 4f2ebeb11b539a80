package dev.previewenv.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RealClusterBenchTest {

  @Test
  void theStackHasThreeObjectsPerServicePlusTwoSecretsAndAnIngress() {
    KubernetesSerialization json = new KubernetesSerialization();
    List<HasMetadata> objects = json.unmarshal(RealStack.yaml(4, null));
    assertThat(objects).hasSize(15).hasSize(RealStack.objects(4));
    assertThat(objects)
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .containsExactlyInAnyOrderElementsOf(RealStack.names(4));
    List<HasMetadata> withNamespace = json.unmarshal(RealStack.yaml(20, "bench-x"));
    assertThat(withNamespace).hasSize(1 + RealStack.objects(20));
    assertThat(withNamespace.get(0).getKind()).isEqualTo("Namespace");
    assertThat(withNamespace.subList(1, withNamespace.size()))
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("bench-x"));
  }

  @Test
  void casesAreServicesAtRoundTripMillis() {
    assertThat(RealClusterBench.parseCases("4@0, 20@80"))
        .containsExactly(
            new RealClusterBench.Case(4, Duration.ZERO),
            new RealClusterBench.Case(20, Duration.ofMillis(80)));
    assertThat(new RealClusterBench.Case(20, Duration.ofMillis(20)).label())
        .isEqualTo("63obj@20ms");
    assertThatThrownBy(() -> RealClusterBench.parseCases("4"))
        .hasMessageContaining("'4' is not services@rttMillis");
  }

  @Test
  void theProxyPassesBytesIntactCountsConnectionsAndHoldsEachRoundTrip() throws Exception {
    try (ServerSocket echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket s = echo.accept()) {
                  s.getInputStream().transferTo(s.getOutputStream());
                } catch (Exception e) {
                  // the test ends
                }
              });
      server.setDaemon(true);
      server.start();
      try (DelayProxy proxy =
              new DelayProxy("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(200));
          Socket client = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
        OutputStream out = client.getOutputStream();
        InputStream in = client.getInputStream();
        byte[] sent = "hello through the proxy".getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        out.write(sent);
        out.flush();
        byte[] got = in.readNBytes(sent.length);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello through the proxy");
        assertThat(tookMillis).as("one round trip is held for the RTT").isGreaterThanOrEqualTo(199);
        assertThat(proxy.takeConnections()).isEqualTo(1);
        assertThat(proxy.takeConnections()).isZero();
      }
    }
  }
}
