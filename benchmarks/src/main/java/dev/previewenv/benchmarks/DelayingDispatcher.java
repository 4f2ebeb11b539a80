package dev.previewenv.benchmarks;

import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts a remote cluster's round trip in front of the in-process API server, for requests of the
 * measured client only (recognised by its User-Agent, or, for a client built from a kubeconfig such
 * as the JUnit extension's, by its bearer token); the controller simulator's own requests stay
 * undelayed, as controllers run next to the API server.
 *
 * <p>HTTP responses get {@link MockResponse#setBodyDelay}: mockwebserver sends them from a vert.x
 * timer, so no thread is blocked and concurrent requests overlap as on a real network. A zero RTT
 * sets no delay at all (no timer). WebSocket upgrades (watches) cannot be delayed by mockwebserver
 * without blocking its event loop: opening a watch costs no RTT here (counted separately so that
 * the floor arithmetic can add it), while every watch event is delivered half an RTT late (the
 * server-to-client leg) from a scheduler thread.
 */
final class DelayingDispatcher extends Dispatcher {
  private final Dispatcher delegate;
  private final String userAgent;
  private final String bearer;
  private final ScheduledExecutorService scheduler;
  private volatile Duration rtt = Duration.ZERO;
  private final AtomicLong httpRequests = new AtomicLong();
  private final AtomicLong watches = new AtomicLong();

  DelayingDispatcher(
      Dispatcher delegate, String userAgent, String token, ScheduledExecutorService scheduler) {
    this.delegate = delegate;
    this.userAgent = userAgent;
    this.bearer = "Bearer " + token;
    this.scheduler = scheduler;
  }

  void rtt(Duration rtt) {
    this.rtt = rtt;
  }

  Duration rtt() {
    return rtt;
  }

  /** Requests of the measured client since the last reset: HTTP requests and opened watches. */
  RequestCount count() {
    return new RequestCount(httpRequests.get(), watches.get());
  }

  void resetCount() {
    httpRequests.set(0);
    watches.set(0);
  }

  private boolean measured(RecordedRequest request) {
    String agent = request.getHeader("User-Agent");
    return (agent != null && agent.startsWith(userAgent))
        || bearer.equals(request.getHeader("Authorization"));
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    MockResponse response = delegate.dispatch(request);
    if (!measured(request)) {
      return response;
    }
    Duration delay = rtt;
    if (response.getWebSocketListener() != null) {
      watches.incrementAndGet();
      if (!delay.isZero()) {
        response.withWebSocketUpgrade(
            new LateEvents(response.getWebSocketListener(), delay.dividedBy(2)));
      }
    } else {
      httpRequests.incrementAndGet();
      if (!delay.isZero()) {
        if (response.getBody() == null || response.getBody().size() == 0) {
          // mockwebserver delays only a response with a body (not the CRUD store's bare 404);
          // a real API server sends a Status object
          response
              .setHeader("Content-Type", "application/json")
              .setBody(
                  "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\""
                      + (response.code() < 400 ? "Success" : "Failure")
                      + "\",\"code\":"
                      + response.code()
                      + "}");
        }
        response.setBodyDelay(delay);
      }
    }
    return response;
  }

  @Override
  public void shutdown() {
    delegate.shutdown();
  }

  @Override
  public void releaseResources() {
    delegate.releaseResources();
  }

  /** Delivers what the server sends on a watch {@code delay} later, in order. */
  private final class LateEvents extends WebSocketListener {
    private final WebSocketListener delegate;
    private final Duration delay;

    LateEvents(WebSocketListener delegate, Duration delay) {
      this.delegate = delegate;
      this.delay = delay;
    }

    private WebSocket wrapped;
    private WebSocket wrappedOf;

    // One wrapper per connection, so that the server recognises it again (e.g. on close).
    private synchronized WebSocket late(WebSocket ws) {
      if (wrappedOf != ws) {
        wrappedOf = ws;
        wrapped = wrap(ws);
      }
      return wrapped;
    }

    private WebSocket wrap(WebSocket ws) {
      return new WebSocket() {
        @Override
        public RecordedRequest request() {
          return ws.request();
        }

        @Override
        public boolean send(String text) {
          scheduler.schedule(() -> ws.send(text), delay.toNanos(), TimeUnit.NANOSECONDS);
          return true;
        }

        @Override
        public boolean send(byte[] bytes) {
          scheduler.schedule(() -> ws.send(bytes), delay.toNanos(), TimeUnit.NANOSECONDS);
          return true;
        }

        @Override
        public boolean close(int code, String reason) {
          scheduler.schedule(() -> ws.close(code, reason), delay.toNanos(), TimeUnit.NANOSECONDS);
          return true;
        }
      };
    }

    @Override
    public void onBeforeAccept(WebSocket ws, Response response) {
      delegate.onBeforeAccept(late(ws), response);
    }

    @Override
    public void onOpen(WebSocket ws, Response response) {
      delegate.onOpen(late(ws), response);
    }

    @Override
    public void onMessage(WebSocket ws, String text) {
      delegate.onMessage(late(ws), text);
    }

    @Override
    public void onMessage(WebSocket ws, io.fabric8.mockwebserver.http.ByteString bytes) {
      delegate.onMessage(late(ws), bytes);
    }

    @Override
    public void onMessage(WebSocket ws, byte[] bytes) {
      delegate.onMessage(late(ws), bytes);
    }

    @Override
    public void onPing(WebSocket ws, byte[] bytes) {
      delegate.onPing(late(ws), bytes);
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      delegate.onClosing(late(ws), code, reason);
    }

    @Override
    public void onClosed(WebSocket ws, int code, String reason) {
      delegate.onClosed(late(ws), code, reason);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, Response response) {
      delegate.onFailure(late(ws), t, response);
    }
  }
}
