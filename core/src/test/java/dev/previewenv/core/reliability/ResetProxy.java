package dev.previewenv.core.reliability;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server that resets connections: for each chunk read in
 * either direction it aborts the connection (SO_LINGER 0, so the peer sees a RST) with a given
 * probability. A reset before a request chunk was forwarded loses the request; a reset of a
 * response chunk loses the answer of a request the server already carried out.
 *
 * <p>A connection that upgraded to a WebSocket (a watch) is not reset: fabric8's in-process server
 * blocks its event loop for seconds when a watch connection breaks ({@code
 * WatchEventsListener.onFailure} awaits an executor), which would stall every other request of the
 * run; a real API server does not. Watches still meet the injected 503/429 answers when they are
 * opened, and plain requests are reset as before.
 */
final class ResetProxy implements AutoCloseable {
  private final ServerSocket listener;
  private final int upstreamPort;
  private final Random random;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger resets = new AtomicInteger();
  private volatile double resetProbability;
  private volatile boolean closed;

  ResetProxy(int upstreamPort, long seed) throws IOException {
    this.upstreamPort = upstreamPort;
    this.random = new Random(seed);
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "reset-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The chance, per chunk, that the connection is reset. */
  void resetProbability(double p) {
    resetProbability = p;
  }

  /** How many connections were reset so far. */
  int resets() {
    return resets.get();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
        client.setTcpNoDelay(true);
        server.setTcpNoDelay(true);
        open.add(client);
        open.add(server);
        java.util.concurrent.atomic.AtomicBoolean watch =
            new java.util.concurrent.atomic.AtomicBoolean();
        pump(client, server, "up", watch);
        pump(server, client, "down", watch);
      } catch (IOException e) {
        if (!closed) {
          continue;
        }
        return;
      }
    }
  }

  private void pump(
      Socket from, Socket to, String direction, java.util.concurrent.atomic.AtomicBoolean watch) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  if ("up".equals(direction)
                      && new String(buffer, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)
                          .toLowerCase(java.util.Locale.ROOT)
                          .contains("upgrade: websocket")) {
                    watch.set(true);
                  }
                  if (!watch.get() && shouldReset()) {
                    resets.incrementAndGet();
                    abort(from);
                    abort(to);
                    return;
                  }
                  out.write(buffer, 0, n);
                  out.flush();
                }
                to.shutdownOutput();
              } catch (IOException e) {
                abort(from);
                abort(to);
              }
            },
            "reset-proxy-" + direction);
    t.setDaemon(true);
    t.start();
  }

  private boolean shouldReset() {
    double p = resetProbability;
    if (p <= 0) {
      return false;
    }
    synchronized (random) {
      return random.nextDouble() < p;
    }
  }

  private void abort(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // already closed
    }
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
    open.remove(s);
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      abort(s);
    }
  }
}
