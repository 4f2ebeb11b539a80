package dev.previewenv.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP proxy in front of the API server that holds every chunk, in each direction, for
 * half the round trip time before passing it on (order kept), so a request and its response cost
 * one extra RTT, as they would over a slower network. TLS passes through untouched; it counts the
 * connections opened through it.
 */
final class DelayProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String upstreamHost;
  private final int upstreamPort;
  private final long oneWayNanos;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Socket> open = new ArrayList<>();
  private volatile boolean closed;

  DelayProxy(String upstreamHost, int upstreamPort, Duration rtt) throws IOException {
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.oneWayNanos = rtt.toNanos() / 2;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread accept = new Thread(this::acceptLoop, "delay-proxy-accept");
    accept.setDaemon(true);
    accept.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted since the last call (and resets the count). */
  int takeConnections() {
    return connections.getAndSet(0);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = server.accept();
        Socket upstream = new Socket(upstreamHost, upstreamPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        synchronized (open) {
          open.add(client);
          open.add(upstream);
        }
        connections.incrementAndGet();
        pipe(client, upstream, "up");
        pipe(upstream, client, "down");
      } catch (IOException e) {
        if (!closed) {
          System.err.println("# delay proxy: " + e);
        }
      }
    }
  }

  private record Chunk(long due, byte[] bytes) {}

  private static final Chunk END = new Chunk(0, new byte[0]);

  private void pipe(Socket from, Socket to, String direction) {
    BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              byte[] buf = new byte[64 * 1024];
              try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                  byte[] copy = new byte[n];
                  System.arraycopy(buf, 0, copy, 0, n);
                  queue.add(new Chunk(System.nanoTime() + oneWayNanos, copy));
                }
              } catch (IOException e) {
                // closed: the end is passed on
              }
              queue.add(END);
            },
            "delay-proxy-" + direction + "-read");
    Thread writer =
        new Thread(
            () -> {
              try {
                OutputStream out = to.getOutputStream();
                while (true) {
                  Chunk c = queue.take();
                  if (c == END) {
                    break;
                  }
                  long wait = c.due() - System.nanoTime();
                  if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                  }
                  out.write(c.bytes());
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException | InterruptedException e) {
                closeQuietly(to);
                closeQuietly(from);
              }
            },
            "delay-proxy-" + direction + "-write");
    reader.setDaemon(true);
    writer.setDaemon(true);
    reader.start();
    writer.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    server.close();
    synchronized (open) {
      open.forEach(DelayProxy::closeQuietly);
    }
  }
}
