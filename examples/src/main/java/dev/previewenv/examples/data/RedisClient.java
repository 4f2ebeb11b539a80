package dev.previewenv.examples.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A minimal Redis client speaking RESP2 over one TCP connection: the commands the example stack
 * needs ({@code AUTH}, {@code PING}, {@code GET}, {@code SET ... EX}, {@code DEL}) and {@link
 * #command} for any other. One command at a time (methods are synchronized); a connection that
 * failed is not reused ({@link #isBroken()}), the caller opens a new one. The password is sent once
 * in {@code AUTH} and never kept or printed.
 */
public final class RedisClient implements AutoCloseable {

  /** Redis answered with an error reply ({@code -ERR ...}, {@code -WRONGPASS ...}). */
  public static final class RedisErrorException extends IOException {
    private static final long serialVersionUID = 1L;

    RedisErrorException(String message) {
      super(message);
    }
  }

  private static final int MAX_BULK = 16 * 1024 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String address;
  private boolean broken;

  private RedisClient(Socket socket, String address) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = new BufferedOutputStream(socket.getOutputStream());
    this.address = address;
  }

  /**
   * Connects to {@code host:port} and authenticates with {@code password} (none when null or
   * empty); {@code timeout} bounds the connect and every reply.
   *
   * @throws IOException when the server cannot be reached or refuses the password (the message says
   *     which, never the password)
   */
  public static RedisClient connect(String host, int port, String password, Duration timeout)
      throws IOException {
    Socket socket = new Socket();
    String address = host + ":" + port;
    try {
      socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      socket.setTcpNoDelay(true);
      RedisClient client = new RedisClient(socket, address);
      if (password != null && !password.isEmpty()) {
        try {
          client.command("AUTH", password);
        } catch (RedisErrorException e) {
          throw new RedisErrorException(
              "Redis at " + address + " refused the password: " + e.getMessage());
        }
      }
      return client;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** {@code PING}: {@code PONG} from a server that is up and accepts this connection. */
  public String ping() throws IOException {
    return String.valueOf(command("PING"));
  }

  /** {@code GET key}: the value, or empty when the key does not exist. */
  public Optional<String> get(String key) throws IOException {
    return Optional.ofNullable((String) command("GET", key));
  }

  /** {@code SET key value EX seconds}. */
  public void setex(String key, long seconds, String value) throws IOException {
    command("SET", key, value, "EX", Long.toString(seconds));
  }

  /** {@code DEL key}: how many keys were removed. */
  public long del(String key) throws IOException {
    return (Long) command("DEL", key);
  }

  /**
   * Sends one command and reads its reply: a simple or bulk string as {@link String} (null for a
   * null bulk string or array), an integer as {@link Long}, an array as a {@link List}.
   *
   * @throws RedisErrorException when Redis answers with an error reply
   * @throws IOException when the connection fails (the client is broken afterwards)
   */
  public synchronized Object command(String... args) throws IOException {
    if (broken) {
      throw new IOException("connection to Redis at " + address + " failed before; open a new one");
    }
    try {
      out.write(encode(args));
      out.flush();
      return read();
    } catch (RedisErrorException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      broken = true;
      throw e instanceof IOException io
          ? new IOException("Redis at " + address + ": " + io.getMessage(), io)
          : new IOException("Redis at " + address + " sent an unreadable reply: " + e, e);
    }
  }

  /** Whether a command failed on this connection (it is not used again). */
  public synchronized boolean isBroken() {
    return broken;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** The RESP array of bulk strings for {@code args}. */
  static byte[] encode(String... args) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    writeAscii(buf, "*" + args.length + "\r\n");
    for (String a : args) {
      byte[] bytes = a.getBytes(StandardCharsets.UTF_8);
      writeAscii(buf, "$" + bytes.length + "\r\n");
      buf.write(bytes, 0, bytes.length);
      writeAscii(buf, "\r\n");
    }
    return buf.toByteArray();
  }

  private static void writeAscii(ByteArrayOutputStream buf, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    buf.write(b, 0, b.length);
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new EOFException("the server closed the connection");
    }
    String line = line();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RedisErrorException(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int length = Integer.parseInt(line);
          if (length < 0) {
            return null;
          }
          if (length > MAX_BULK) {
            throw new IOException("bulk reply of " + length + " bytes is over the limit");
          }
          byte[] data = in.readNBytes(length);
          if (data.length != length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("the bulk reply was cut");
          }
          return new String(data, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int n = Integer.parseInt(line);
          if (n < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            items.add(read());
          }
          return items;
        }
      default:
        throw new IOException("unknown RESP reply type '" + (char) type + "'");
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("the reply line was cut");
      }
      if (b == '\r') {
        if (in.read() != '\n') {
          throw new IOException("a reply line did not end with CRLF");
        }
        return buf.toString(StandardCharsets.UTF_8);
      }
      buf.write(b);
    }
  }
}
