package dev.previewenv.e2e;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.UUID;

/**
 * The stack's Secret {@code shop-db} in a source namespace of a test run, from which PreviewEnv
 * copies it into the environment: a user name and random passwords for PostgreSQL and Redis.
 */
final class ShopSecret {
  private ShopSecret() {}

  /** Creates namespace {@code namespace} with Secret {@code shop-db} in it. */
  static void create(KubernetesClient client, String namespace) {
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
        .create();
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("shop-db")
                .withNamespace(namespace)
                .endMetadata()
                .addToStringData("username", "shop_app")
                .addToStringData("password", "db-" + UUID.randomUUID())
                .addToStringData("redis-password", "redis-" + UUID.randomUUID())
                .build())
        .create();
  }
}
