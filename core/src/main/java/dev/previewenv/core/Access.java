package dev.previewenv.core;

/**
 * How {@link Preview#url(String)} reaches a service from the machine running PreviewEnv.
 *
 * <ul>
 *   <li>{@link #INGRESS}: the rewritten ingress host, as users and external-dns see it. Needs an
 *       ingress controller and DNS for {@code <env>.<host>}.
 *   <li>{@link #PORT_FORWARD}: a port-forward through the API server to a pod of the service, on
 *       127.0.0.1. Works on any cluster, including CI and dev clusters without ingress or DNS.
 *   <li>{@link #AUTO}: the ingress host when the service's Ingress reports a load-balancer address,
 *       otherwise port-forward.
 * </ul>
 */
public enum Access {
  INGRESS,
  PORT_FORWARD,
  AUTO
}
