package dev.previewenv.examples.data;

import dev.previewenv.examples.http.ServiceEnv;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL database of the example stack, through JDBC with a small bounded pool of
 * connections (at most {@code maxConnections} in use, idle ones reused; a connection that failed is
 * closed, not reused). Where it is and who logs in comes from the environment ({@link
 * Config#fromEnv}); the password never appears in messages.
 */
public final class Database implements AutoCloseable {

  /** Work done on a connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Where the database is and who logs in.
   *
   * @param host e.g. the Service's cluster IP
   * @param port usually 5432
   * @param database the database name
   * @param user the login
   * @param password its password (not in {@link #toString()})
   */
  public record Config(String host, int port, String database, String user, String password) {
    public Config {
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(database, "database");
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(password, "password");
    }

    /**
     * From the environment: the Kubernetes service variables {@code POSTGRES_SERVICE_HOST} and
     * {@code POSTGRES_SERVICE_PORT} (no cluster DNS needed), {@code DB_NAME} (default {@code
     * shop}), and {@code DB_USER} and {@code DB_PASSWORD}, which the manifests take from Secret
     * {@code shop-db}.
     *
     * @throws IllegalStateException naming every variable that is missing
     */
    public static Config fromEnv(ServiceEnv env) {
      StringBuilder missing = new StringBuilder();
      for (String name :
          new String[] {
            "POSTGRES_SERVICE_HOST", "POSTGRES_SERVICE_PORT", "DB_USER", "DB_PASSWORD"
          }) {
        if (env.value(name).isEmpty()) {
          missing.append(missing.length() == 0 ? "" : ", ").append(name);
        }
      }
      if (missing.length() > 0) {
        throw new IllegalStateException(
            "no database configuration: "
                + missing
                + " not set; POSTGRES_SERVICE_HOST/PORT come from Service postgres (create it"
                + " before the pod), DB_USER and DB_PASSWORD from Secret shop-db (keys username,"
                + " password)");
      }
      String portText = env.value("POSTGRES_SERVICE_PORT").orElseThrow();
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw new IllegalStateException(
            "POSTGRES_SERVICE_PORT must be a port number, but is '" + portText + "'");
      }
      return new Config(
          env.value("POSTGRES_SERVICE_HOST").orElseThrow(),
          port,
          env.value("DB_NAME").orElse("shop"),
          env.value("DB_USER").orElseThrow(),
          env.value("DB_PASSWORD").orElseThrow());
    }

    /** The JDBC URL, without credentials. */
    public String jdbcUrl() {
      String h = host.contains(":") ? "[" + host + "]" : host;
      return "jdbc:postgresql://" + h + ":" + port + "/" + database;
    }

    @Override
    public String toString() {
      return jdbcUrl() + " as user " + user;
    }
  }

  private final Config config;
  private final String applicationName;
  private final Semaphore permits;
  private final BlockingQueue<Connection> idle;

  /** A pool of at most {@code maxConnections} to the database of {@code config}. */
  public Database(Config config, String applicationName, int maxConnections) {
    this.config = config;
    this.applicationName = applicationName;
    this.permits = new Semaphore(maxConnections);
    this.idle = new ArrayBlockingQueue<>(maxConnections);
  }

  /** Where it connects, without the password. */
  public Config config() {
    return config;
  }

  /**
   * Runs {@code work} on a pooled connection (waiting at most 10 s for one).
   *
   * @throws SQLException from the work or the connection; the connection is then closed
   */
  public <T> T call(Work<T> work) throws SQLException {
    try {
      if (!permits.tryAcquire(10, TimeUnit.SECONDS)) {
        throw new SQLException(
            "no free connection to " + config.jdbcUrl() + " within 10 s (all in use)", "08004");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for a database connection", "08004", e);
    }
    Connection c = null;
    try {
      c = idle.poll();
      if (c == null) {
        c = open();
      }
      T result = work.run(c);
      if (!idle.offer(c)) {
        c.close();
      }
      c = null;
      return result;
    } finally {
      if (c != null) {
        closeQuietly(c);
      }
      permits.release();
    }
  }

  /**
   * Whether PostgreSQL refused these credentials ({@code 28P01 invalid_password}, {@code 28000
   * invalid_authorization_specification}): waiting does not help, the Secret is wrong.
   */
  public static boolean credentialsRejected(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s
          && ("28P01".equals(s.getSQLState()) || "28000".equals(s.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private Connection open() throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", config.user());
    p.setProperty("password", config.password());
    p.setProperty("ApplicationName", applicationName);
    p.setProperty("connectTimeout", "5");
    p.setProperty("loginTimeout", "10");
    p.setProperty("socketTimeout", "10");
    return DriverManager.getConnection(config.jdbcUrl(), p);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // a failed connection: nothing more to do
    }
  }

  @Override
  public void close() {
    for (Connection c = idle.poll(); c != null; c = idle.poll()) {
      closeQuietly(c);
    }
  }
}
