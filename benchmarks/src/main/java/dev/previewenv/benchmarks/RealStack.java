package dev.previewenv.benchmarks;

import java.util.ArrayList;
import java.util.List;

/**
 * The stack of the real-cluster benchmark as YAML: {@code services} times a Deployment (one replica
 * of the node's busybox image), a Service and a ConfigMap, plus 2 Secrets and 1 Ingress ({@code 3 *
 * services + 3} objects). The containers end on SIGTERM, so teardown measures the tools, not a
 * grace period.
 */
final class RealStack {
  static final String IMAGE = "previewenv/busybox:1";
  static final String LABEL = "bench.previewenv.dev/stack";

  private RealStack() {}

  static int objects(int services) {
    return 3 * services + 3;
  }

  static List<String> deployments(int services) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < services; i++) {
      names.add("svc-" + i);
    }
    return names;
  }

  /** {@code kind/name} of every object, the namespace not included. */
  static List<String> names(int services) {
    List<String> out = new ArrayList<>();
    for (String n : deployments(services)) {
      out.add("Deployment/" + n);
      out.add("Service/" + n);
      out.add("ConfigMap/" + n + "-config");
    }
    out.add("Secret/bench-db");
    out.add("Secret/bench-api-keys");
    out.add("Ingress/bench");
    return out;
  }

  /**
   * The stack; with {@code namespace} non-null, a Namespace object first and every object in it.
   */
  static String yaml(int services, String namespace) {
    StringBuilder y = new StringBuilder();
    String ns = namespace == null ? "" : ", namespace: " + namespace;
    if (namespace != null) {
      y.append("apiVersion: v1\nkind: Namespace\nmetadata: {name: ")
          .append(namespace)
          .append("}\n");
    }
    for (String n : deployments(services)) {
      sep(y);
      y.append(
          """
          apiVersion: v1
          kind: ConfigMap
          metadata: {name: %1$s-config%2$s}
          data: {LOG_LEVEL: info, UPSTREAM: "http://%1$s:8080"}
          ---
          apiVersion: v1
          kind: Service
          metadata: {name: %1$s%2$s}
          spec:
            selector: {app: %1$s}
            ports: [{port: 8080, targetPort: 8080, protocol: TCP}]
          ---
          apiVersion: apps/v1
          kind: Deployment
          metadata: {name: %1$s%2$s, labels: {app: %1$s, %3$s: "1"}}
          spec:
            replicas: 1
            selector: {matchLabels: {app: %1$s}}
            template:
              metadata: {labels: {app: %1$s}}
              spec:
                terminationGracePeriodSeconds: 2
                containers:
                - name: app
                  image: %4$s
                  imagePullPolicy: Never
                  command: [sh, -c, "trap 'exit 0' TERM; while true; do sleep 1; done"]
                  envFrom: [{configMapRef: {name: %1$s-config}}]
                  ports: [{containerPort: 8080, protocol: TCP}]
          """
              .formatted(n, ns, LABEL, IMAGE));
    }
    sep(y);
    y.append(
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: bench-db%1$s}
        stringData: {username: shop, password: bench-only-password}
        ---
        apiVersion: v1
        kind: Secret
        metadata: {name: bench-api-keys%1$s}
        stringData: {payments: bench-only-key}
        ---
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: bench%1$s}
        spec:
          rules:
          - host: shop.example.com
            http:
              paths:
              - path: /
                pathType: Prefix
                backend: {service: {name: svc-0, port: {number: 8080}}}
        """
            .formatted(ns));
    return y.toString();
  }

  private static void sep(StringBuilder y) {
    if (y.length() > 0) {
      y.append("---\n");
    }
  }
}
