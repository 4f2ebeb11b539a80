package dev.previewenv.maven;

import dev.previewenv.core.E2eResults;
import dev.previewenv.core.testing.ControllerSimulator;
import dev.previewenv.core.testing.JobOutcome;
import dev.previewenv.core.testing.KubeTestServer;
import dev.previewenv.core.testing.SimulatorOptions;
import io.fabric8.kubernetes.client.VersionInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cluster of the invoker samples' fast tier: the in-process API server with the controller
 * simulator, started by a sample's {@code setup.groovy} in the invoking Maven's JVM, reached by the
 * sample's build through {@code <sample>/kubeconfig}, closed by its {@code verify.groovy}. Suite
 * images {@code suite:ok} pass one test, {@code suite:bad} fail one.
 */
public final class SampleCluster implements AutoCloseable {
  private final KubeTestServer kube;
  private final ControllerSimulator sim;

  private SampleCluster(Path basedir) throws IOException {
    kube = new KubeTestServer();
    kube.server()
        .setVersionInfo(
            new VersionInfo.Builder()
                .withMajor("1")
                .withMinor("20")
                .withGitVersion("v1.20.3")
                .build());
    sim =
        ControllerSimulator.start(
            kube,
            SimulatorOptions.builder()
                .job(
                    JobOutcome.of(
                        "suite:ok",
                        0,
                        log("<testcase classname=\"sample.ShopE2E\" name=\"opens()\"/>"),
                        ""))
                .job(
                    JobOutcome.of(
                        "suite:bad",
                        1,
                        log(
                            "<testcase classname=\"sample.ShopE2E\" name=\"orders()\"><failure"
                                + " message=\"expected 201 but was 500\"/></testcase>"),
                        ""))
                .build());
    Files.writeString(
        basedir.resolve("kubeconfig"),
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster: {server: \"" + kube.client().getMasterUrl() + "\"}",
            "contexts:",
            "- name: test",
            "  context: {cluster: test, user: test}",
            "current-context: test",
            "users:",
            "- name: test",
            "  user: {token: not-a-secret}",
            ""));
  }

  private static String log(String testcase) {
    String xml = "<testsuite name=\"sample\">" + testcase + "</testsuite>";
    return "suite running\n"
        + E2eResults.encode("TEST-sample.xml", xml.getBytes(StandardCharsets.UTF_8))
        + "suite done\n";
  }

  /** Starts a cluster for the sample in {@code basedir} and writes its kubeconfig there. */
  public static SampleCluster start(String basedir) throws IOException {
    return new SampleCluster(Path.of(basedir));
  }

  /** Whether the namespace exists (and is not being deleted). */
  public boolean namespaceExists(String name) {
    var ns = kube.client().namespaces().withName(name).get();
    return ns != null && ns.getMetadata().getDeletionTimestamp() == null;
  }

  /** Every namespace PreviewEnv manages on this server. */
  public java.util.List<String> managedNamespaces() {
    return kube
        .client()
        .namespaces()
        .withLabel("app.kubernetes.io/managed-by", "previewenv")
        .list()
        .getItems()
        .stream()
        .filter(n -> n.getMetadata().getDeletionTimestamp() == null)
        .map(n -> n.getMetadata().getName())
        .toList();
  }

  @Override
  public void close() {
    sim.close();
    kube.close();
  }
}
