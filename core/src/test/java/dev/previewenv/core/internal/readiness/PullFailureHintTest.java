package dev.previewenv.core.internal.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The hint after an image pull failure reads the kubelet's message: the words below are what the
 * 1.20 kubelet (dockershim) reported for distribution 2.8 in {@code RegistryPullIT}.
 */
class PullFailureHintTest {
  private static final String PREFIX =
      "rpc error: code = Unknown desc = Error response from daemon: ";

  @Test
  void aMissingTagSaysToCheckThePushedTag() {
    assertThat(
            ReadinessWaiter.hint(
                "ErrImagePull",
                PREFIX
                    + "manifest for 127.0.0.1:5000/x:nope not found: manifest unknown: manifest"
                    + " unknown"))
        .contains("no such tag");
  }

  @Test
  void refusedCredentialsAndMissingPullSecretsPointAtThePullSecret() {
    assertThat(
            ReadinessWaiter.hint("ErrImagePull", PREFIX + "unauthorized: authentication required"))
        .contains("credentials are wrong")
        .contains("PullSecrets");
    assertThat(
            ReadinessWaiter.hint(
                "ImagePullBackOff",
                PREFIX
                    + "Head \"http://127.0.0.1:5000/v2/x/manifests/1\": no basic auth credentials"))
        .contains("no pull secret");
  }

  @Test
  void otherReasonsKeepTheirHint() {
    assertThat(ReadinessWaiter.hint("ErrImageNeverPull", "Container image \"x:1\" is not present"))
        .contains("imagePullPolicy is Never");
    assertThat(ReadinessWaiter.hint("ErrImagePull", "dial tcp: connection refused"))
        .contains("Check the image name and tag");
  }
}
