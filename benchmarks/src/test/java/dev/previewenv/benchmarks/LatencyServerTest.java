package dev.previewenv.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LatencyServerTest {

  @Test
  void countsOnlyTheMeasuredClientsRequests() {
    try (LatencyServer server = new LatencyServer(Duration.ofMillis(1))) {
      server
          .setupClient()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("a").endMetadata().build())
          .create();
      server.resetCount();

      server
          .client()
          .configMaps()
          .inNamespace("a")
          .resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())
          .create();
      server.client().configMaps().inNamespace("a").withName("c").get();
      server.setupClient().configMaps().inNamespace("a").withName("c").get();

      assertThat(server.count()).isEqualTo(new RequestCount(2, 0));
    }
  }

  @Test
  void delaysEachResponseOfTheMeasuredClientByTheRoundTrip() {
    try (LatencyServer server = new LatencyServer(Duration.ofMillis(150), false)) {
      server.client().namespaces().withName("absent").get(); // connection set up
      long t0 = System.nanoTime();
      server.client().namespaces().withName("absent").get();
      long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
      // a functional check that the delay is applied, not a performance assertion
      assertThat(elapsedMs).isGreaterThanOrEqualTo(150);
    }
  }

  @Test
  void countsWatchesSeparatelyAndStillDeliversTheirEvents() throws Exception {
    try (LatencyServer server = new LatencyServer(Duration.ofMillis(2), false)) {
      server
          .setupClient()
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("w").endMetadata().build())
          .create();
      server.resetCount();
      var latch = new java.util.concurrent.CountDownLatch(1);
      try (var watch =
          server
              .client()
              .configMaps()
              .inNamespace("w")
              .watch(
                  new io.fabric8.kubernetes.client.Watcher<
                      io.fabric8.kubernetes.api.model.ConfigMap>() {
                    @Override
                    public void eventReceived(
                        Action action, io.fabric8.kubernetes.api.model.ConfigMap resource) {
                      latch.countDown();
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                  })) {
        server
            .setupClient()
            .configMaps()
            .inNamespace("w")
            .resource(new ConfigMapBuilder().withNewMetadata().withName("x").endMetadata().build())
            .create();
        assertThat(latch.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
      assertThat(server.count().watches()).isEqualTo(1);
    }
  }
}
