package dev.previewenv.junit;

import dev.previewenv.core.Preview;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An environment provisioned elsewhere (the suite runs inside it as the E2E Job): nothing is
 * provisioned or torn down, URLs are in-cluster.
 */
final class AttachedEnvironment implements TestEnvironment {
  private final String namespace;
  private final Cluster cluster;
  private final Settings settings;

  AttachedEnvironment(String namespace, Cluster cluster, Settings settings) {
    this.namespace = namespace;
    this.cluster = cluster;
    this.settings = settings;
  }

  @Override
  public String namespace() {
    return namespace;
  }

  @Override
  public KubernetesClient client() {
    return cluster.client();
  }

  @Override
  public URI url(String service) {
    Optional<String> given =
        settings.get(PreviewEnvironment.SERVICE_URL_PREFIX + service.toLowerCase(Locale.ROOT));
    if (given.isPresent()) {
      return URI.create(given.get());
    }
    Service svc = client().services().inNamespace(namespace).withName(service).get();
    if (svc == null) {
      List<String> known =
          client().services().inNamespace(namespace).list().getItems().stream()
              .map(s -> s.getMetadata().getName())
              .sorted()
              .toList();
      throw new UnknownServiceException(
          "Service \""
              + service
              + "\" is not in namespace "
              + namespace
              + " (attach mode) and "
              + Settings.environmentName(PreviewEnvironment.SERVICE_URL_PREFIX + service)
              + " is not set; services in the namespace: "
              + (known.isEmpty() ? "none" : String.join(", ", known))
              + ". Use one of them in @ServiceUrl, or set that variable");
    }
    List<ServicePort> ports = svc.getSpec() == null ? List.of() : svc.getSpec().getPorts();
    if (ports == null || ports.isEmpty()) {
      throw new UnknownServiceException(
          "Service "
              + namespace
              + "/"
              + service
              + " has no ports, so it has no URL; give it a port or set "
              + Settings.environmentName(PreviewEnvironment.SERVICE_URL_PREFIX + service));
    }
    int port = ports.get(0).getPort();
    boolean dns =
        !settings.get(PreviewEnvironment.ATTACH_DNS).orElse("true").equalsIgnoreCase("false");
    String host = dns ? service + "." + namespace + ".svc.cluster.local" : clusterIp(svc);
    return URI.create("http://" + host + ":" + port);
  }

  private String clusterIp(Service svc) {
    String ip = svc.getSpec().getClusterIP();
    if (ip == null || ip.isBlank() || ip.equalsIgnoreCase("None")) {
      throw new UnknownServiceException(
          "Service "
              + namespace
              + "/"
              + svc.getMetadata().getName()
              + " has no cluster IP (headless?) and "
              + PreviewEnvironment.ATTACH_DNS
              + " is false; set "
              + Settings.environmentName(
                  PreviewEnvironment.SERVICE_URL_PREFIX + svc.getMetadata().getName()));
    }
    return ip;
  }

  @Override
  public Optional<Preview> preview() {
    return Optional.empty();
  }

  @Override
  public void markFailed() {
    // the runner that provisioned the environment decides about it
  }
}
