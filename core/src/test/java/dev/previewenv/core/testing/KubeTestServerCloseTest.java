package dev.previewenv.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mock server's vert.x runs non-daemon event-loop threads; when its own shutdown gives up (a
 * fixed 10 s), {@link KubeTestServer#close()} closes that vert.x itself, so that no thread keeps
 * the JVM alive afterwards.
 */
class KubeTestServerCloseTest {

  @Test
  void closingTheVertxOfAServerWhoseShutdownGaveUpEndsItsNonDaemonThreads() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    MockWebServer web = new MockWebServer();
    web.setDispatcher(
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return new MockResponse().setResponseCode(200).setBody("ok");
          }
        });
    web.start();
    // one request, so that an event loop of the server runs
    HttpURLConnection c = (HttpURLConnection) new URL(web.url("/x").toString()).openConnection();
    assertThat(c.getResponseCode()).isEqualTo(200);
    c.disconnect();
    assertThat(started(before)).as("the mock server runs non-daemon threads").isNotEmpty();

    // what close() does after "Unable to close MockWebServer": the server itself never got to it
    KubeTestServer.closeVertx(web);

    List<Thread> left = started(before);
    for (Thread t : left) {
      t.join(10_000);
    }
    assertThat(started(before)).as("non-daemon threads left").isEmpty();
  }

  @Test
  void aClosedServerLeavesNoNonDaemonThread() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    try (KubeTestServer kube = new KubeTestServer()) {
      kube.client().namespaces().list();
    }
    for (Thread t : started(before)) {
      t.join(10_000);
    }
    assertThat(started(before)).as("non-daemon threads left").isEmpty();
  }

  private static List<Thread> started(Set<Thread> before) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> !before.contains(t) && !t.isDaemon() && t.isAlive())
        .toList();
  }
}
