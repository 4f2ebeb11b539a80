package dev.previewenv.junit;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.Optional;

/** What the tests of a class see of their environment, provisioned or attached. */
interface TestEnvironment {

  /** The environment's namespace. */
  String namespace();

  /** The client of the run's cluster. */
  KubernetesClient client();

  /**
   * The URL of {@code service}.
   *
   * @throws UnknownServiceException naming the known services when there is no such service
   */
  URI url(String service);

  /** The provisioned environment; empty in attach mode. */
  Optional<Preview> preview();

  /** Records that a test using the environment failed. */
  void markFailed();

  /** A service the environment does not know; the message lists the known ones. */
  final class UnknownServiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnknownServiceException(String message) {
      super(message);
    }
  }
}
