package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.previewenv.core.internal.http.ReusingHttpClientFactory;
import dev.previewenv.core.testing.RealCluster;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * How many TCP (and so TLS) connections a 60-object apply opens to the real API server, counted by
 * a loopback TCP proxy in front of it: with fabric8's default HTTP client and with {@link
 * HttpClients#reusing()}. Prints {@code CONNECTIONS ...}.
 */
@RealCluster
class ConnectionReuseIT {
  private static final int OBJECTS = 60;

  @Test
  void aWaveOfConcurrentRequestsSharesConnections() throws Exception {
    int waveDefault = connectionsForWave(false);
    int waveReusing = connectionsForWave(true);
    int upDefault = connectionsForUpAndDown(false);
    int upReusing = connectionsForUpAndDown(true);
    System.out.println(
        "CONNECTIONS wave-"
            + OBJECTS
            + " fabric8-default="
            + waveDefault
            + " reusing="
            + waveReusing
            + "; up+down-"
            + OBJECTS
            + " fabric8-default="
            + upDefault
            + " reusing="
            + upReusing
            + " (watches are WebSockets over HTTP/1.1: one connection each)");
    // 60 concurrent creates: multiplexed as HTTP/2 streams on the pooled connections
    assertThat(waveReusing).isLessThanOrEqualTo(ReusingHttpClientFactory.HTTP2_CONNECTIONS);
    assertThat(waveReusing).isLessThan(waveDefault);
    assertThat(upReusing).isLessThan(upDefault);
  }

  /** 60 ConfigMap creates sent at once from 60 threads, as a wave of the apply does. */
  private int connectionsForWave(boolean reuse) throws Exception {
    String ns =
        "previewenv-it-conn-" + (reuse ? "r" : "d") + "-" + Long.toHexString(System.nanoTime());
    try (KubernetesClient direct = RealCluster.Extension.newClient()) {
      direct
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
          .create();
      try {
        return throughProxy(
            reuse,
            client -> {
              ExecutorService pool = Executors.newFixedThreadPool(OBJECTS);
              try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> sent = new ArrayList<>();
                for (int i = 0; i < OBJECTS; i++) {
                  String name = "cm-" + i;
                  sent.add(
                      pool.submit(
                          () -> {
                            go.await();
                            return client
                                .configMaps()
                                .inNamespace(ns)
                                .resource(
                                    new ConfigMapBuilder()
                                        .withNewMetadata()
                                        .withName(name)
                                        .endMetadata()
                                        .addToData("k", "v")
                                        .build())
                                .create();
                          }));
                }
                go.countDown();
                for (Future<?> f : sent) {
                  f.get();
                }
              } finally {
                pool.shutdownNow();
              }
            });
      } finally {
        direct.namespaces().withName(ns).delete();
      }
    }
  }

  private int connectionsForUpAndDown(boolean reuse) throws Exception {
    return throughProxy(
        reuse,
        client -> {
          EnvironmentName env =
              EnvironmentName.forBranch(
                  "it/conn-"
                      + (reuse ? "reuse" : "default")
                      + "-"
                      + Long.toHexString(System.nanoTime()));
          StringBuilder yaml = new StringBuilder();
          for (int i = 0; i < OBJECTS; i++) {
            yaml.append("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-")
                .append(i)
                .append("}\ndata: {k: v}\n---\n");
          }
          Plan plan =
              Plan.builder(env).source(ManifestSource.yaml("conn.yaml", yaml.toString())).build();
          Provisioner provisioner =
              Provisioner.forClient(client)
                  .withOwner("it-conn")
                  .withWaitTimeout(Duration.ofSeconds(120));
          try (Preview preview = provisioner.up(plan)) {
            assertThat(client.configMaps().inNamespace(preview.namespace()).list().getItems())
                .hasSizeGreaterThanOrEqualTo(OBJECTS);
          }
        });
  }

  private interface ClientWork {
    void run(KubernetesClient client) throws Exception;
  }

  /** Runs {@code work} with a client whose connections go through a counting proxy. */
  private static int throughProxy(boolean reuse, ClientWork work) throws Exception {
    Config kube = Config.fromKubeconfig((File) RealCluster.Extension.kubeconfig().get().toFile());
    URI target = URI.create(kube.getMasterUrl());
    try (CountingProxy proxy = new CountingProxy(target.getHost(), target.getPort())) {
      Config config =
          new ConfigBuilder(kube).withMasterUrl("https://127.0.0.1:" + proxy.port()).build();
      KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(config);
      if (reuse) {
        builder.withHttpClientFactory(HttpClients.reusing());
      }
      try (KubernetesClient client = builder.build()) {
        work.run(client);
      }
      return proxy.accepted();
    }
  }

  /** Forwards TCP connections to the API server and counts them. */
  private static final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();
    private final Thread acceptor;

    CountingProxy(String host, int port) throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket in = server.accept();
                    accepted.incrementAndGet();
                    Socket out = new Socket(host, port);
                    pipe(in, out);
                    pipe(out, in);
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "conn-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void pipe(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream i = from.getInputStream();
                    OutputStream o = to.getOutputStream()) {
                  i.transferTo(o);
                } catch (IOException ignored) {
                  // the other side closed
                } finally {
                  try {
                    from.close();
                    to.close();
                  } catch (IOException ignored) {
                    // closing
                  }
                }
              },
              "conn-pipe");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
