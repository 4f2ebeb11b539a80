package dev.previewenv.examples.data;

import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service's first contact with PostgreSQL, in the background: tries until a connection works
 * (PostgreSQL may still be starting, the seed still loading). When PostgreSQL refuses the
 * credentials, waiting does not help: it logs PostgreSQL's words and ends the process with exit
 * code 3, so that the pod fails visibly ({@code CrashLoopBackOff}, with the reason in its log)
 * instead of staying unready until a timeout.
 */
public final class CredentialsCheck {
  private static final Logger log = LoggerFactory.getLogger(CredentialsCheck.class);

  /** The exit code of a service whose database credentials were refused. */
  public static final int EXIT_CREDENTIALS_REJECTED = 3;

  private CredentialsCheck() {}

  /** Starts the check for {@code service} on a daemon thread. */
  public static void start(String service, Database db, Duration pause) {
    Thread t =
        new Thread(
            () -> {
              while (true) {
                try {
                  db.call(c -> c.isValid(5));
                  log.info("{}: connected to PostgreSQL at {}", service, db.config());
                  return;
                } catch (SQLException e) {
                  if (Database.credentialsRejected(e)) {
                    log.error(
                        "{}: PostgreSQL at {} refused the credentials from Secret shop-db (keys"
                            + " username, password): {}; fix the Secret (or the database's"
                            + " password) and restart the pod. Exiting.",
                        service,
                        db.config().jdbcUrl(),
                        e.getMessage());
                    System.exit(EXIT_CREDENTIALS_REJECTED);
                  }
                  log.info(
                      "{}: PostgreSQL at {} not reachable yet ({}); retrying",
                      service,
                      db.config().jdbcUrl(),
                      e.getMessage());
                }
                try {
                  Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            service + "-db-check");
    t.setDaemon(true);
    t.start();
  }
}
