package dev.previewenv.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterAccessTest {
  @TempDir Path home;
  final Map<String, String> env = new HashMap<>();
  final Map<String, String> properties = new HashMap<>();

  String reason() {
    return ClusterAccess.unavailableReason(env::get, properties::get, home).orElse(null);
  }

  @Test
  void provisionedEnvironmentsAlwaysHaveACluster() {
    assertThat(reason()).isNull();
  }

  @Test
  void attachModeWithoutKubeconfigOrServiceAccountSaysWhatIsMissing() {
    env.put("PREVIEWENV_NAMESPACE", "shop-pr-7");

    assertThat(reason())
        .contains("attach mode")
        .contains("no kubeconfig")
        .contains("service account");
  }

  @Test
  void attachModeWithAKubeconfigCanReadTheCluster() throws Exception {
    properties.put("previewenv.namespace", "shop-pr-7");
    env.put("KUBECONFIG", "/somewhere/config");
    assertThat(reason()).isNull();

    env.remove("KUBECONFIG");
    Files.createDirectories(home.resolve(".kube"));
    Files.writeString(home.resolve(".kube/config"), "apiVersion: v1\n");
    assertThat(reason()).isNull();
  }
}
