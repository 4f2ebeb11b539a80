package dev.previewenv.examples.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RESP client against a fake Redis on loopback that records the bytes it receives and answers
 * each command with the next scripted reply.
 */
class RedisClientTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private FakeRedis server;

  @AfterEach
  void stop() throws IOException {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void encodesCommandsAsArraysOfBulkStrings() {
    assertThat(new String(RedisClient.encode("SET", "k", "v\u00e4"), StandardCharsets.UTF_8))
        .isEqualTo("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nv\u00e4\r\n");
  }

  @Test
  void authenticatesThenReadsEveryReplyType() throws Exception {
    server =
        new FakeRedis(
            "+OK\r\n",
            "+PONG\r\n",
            "$-1\r\n",
            "+OK\r\n",
            "$12\r\n{\"id\":\"1\"}\r\n\r\n",
            ":1\r\n",
            "*2\r\n$1\r\na\r\n:7\r\n");
    try (RedisClient redis = RedisClient.connect("127.0.0.1", server.port(), "pw", TIMEOUT)) {
      assertThat(redis.ping()).isEqualTo("PONG");
      assertThat(redis.get("order:1")).isEmpty();
      redis.setex("order:1", 600, "{\"id\":\"1\"}\r\n");
      assertThat(redis.get("order:1")).hasValue("{\"id\":\"1\"}\r\n");
      assertThat(redis.del("order:1")).isEqualTo(1);
      assertThat(redis.command("MGET", "a", "b")).isEqualTo(List.of("a", 7L));
    }
    assertThat(server.received())
        .isEqualTo(
            cmd("AUTH", "pw")
                + cmd("PING")
                + cmd("GET", "order:1")
                + cmd("SET", "order:1", "{\"id\":\"1\"}\r\n", "EX", "600")
                + cmd("GET", "order:1")
                + cmd("DEL", "order:1")
                + cmd("MGET", "a", "b"));
  }

  @Test
  void aRefusedPasswordSaysSoWithoutThePassword() throws Exception {
    server = new FakeRedis("-WRONGPASS invalid username-password pair or user is disabled.\r\n");

    assertThatThrownBy(
            () -> RedisClient.connect("127.0.0.1", server.port(), "hunter2-canary", TIMEOUT))
        .isInstanceOf(RedisClient.RedisErrorException.class)
        .hasMessageContaining("Redis at 127.0.0.1:" + server.port() + " refused the password")
        .hasMessageContaining("WRONGPASS")
        .hasMessageNotContaining("hunter2-canary");
  }

  @Test
  void anErrorReplyKeepsTheConnectionButACutReplyBreaksIt() throws Exception {
    server = new FakeRedis("-ERR unknown command 'NOPE'\r\n", "$10\r\nabc");
    try (RedisClient redis = RedisClient.connect("127.0.0.1", server.port(), null, TIMEOUT)) {
      assertThatThrownBy(() -> redis.command("NOPE"))
          .isInstanceOf(RedisClient.RedisErrorException.class)
          .hasMessage("ERR unknown command 'NOPE'");
      assertThat(redis.isBroken()).isFalse();

      server.closeAfterReplies();
      assertThatThrownBy(() -> redis.get("k"))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Redis at 127.0.0.1:" + server.port());
      assertThat(redis.isBroken()).isTrue();
      assertThatThrownBy(redis::ping).hasMessageContaining("open a new one");
    }
  }

  private static String cmd(String... args) {
    return new String(RedisClient.encode(args), StandardCharsets.UTF_8);
  }

  /** One connection; reads each command fully, answers with the next reply. */
  private static final class FakeRedis implements AutoCloseable {
    private final ServerSocket socket;
    private final Deque<String> replies;
    private final List<byte[]> received = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closeAfterReplies;

    FakeRedis(String... replies) throws IOException {
      this.socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      this.replies = new ArrayDeque<>(List.of(replies));
      this.thread = new Thread(this::serve, "fake-redis");
      thread.setDaemon(true);
      thread.start();
    }

    int port() {
      return socket.getLocalPort();
    }

    void closeAfterReplies() {
      closeAfterReplies = true;
    }

    String received() throws InterruptedException {
      thread.join(TIMEOUT.toMillis());
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      received.forEach(b -> all.write(b, 0, b.length));
      return all.toString(StandardCharsets.UTF_8);
    }

    private void serve() {
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (!replies.isEmpty()) {
          byte[] command = readCommand(in);
          if (command == null) {
            return;
          }
          received.add(command);
          out.write(replies.poll().getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        if (closeAfterReplies) {
          return;
        }
        while (readCommand(in) != null) {
          // no more replies scripted: swallow until the client hangs up
        }
      } catch (IOException e) {
        // the test closed the server
      }
    }

    /** One RESP array of bulk strings, as bytes; null at the end of the stream. */
    private static byte[] readCommand(InputStream in) throws IOException {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      String header = line(in, buf);
      if (header == null) {
        return null;
      }
      int n = Integer.parseInt(header.substring(1));
      for (int i = 0; i < n; i++) {
        int length = Integer.parseInt(line(in, buf).substring(1));
        byte[] data = in.readNBytes(length + 2);
        buf.write(data, 0, data.length);
      }
      return buf.toByteArray();
    }

    private static String line(InputStream in, ByteArrayOutputStream buf) throws IOException {
      StringBuilder sb = new StringBuilder();
      int b;
      while ((b = in.read()) >= 0) {
        buf.write(b);
        if (b == '\n') {
          return sb.toString().strip();
        }
        sb.append((char) b);
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
