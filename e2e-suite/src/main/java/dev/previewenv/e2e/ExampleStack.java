package dev.previewenv.e2e;

import dev.previewenv.junit.PreviewEnvironment;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The example stack (web, catalog, orders, admin on PostgreSQL and Redis, with its seed) as every
 * E2E class of this suite sees it: the {@code preview} kustomize overlay of {@code
 * examples/deploy}, with the images built locally by Jib, the data stores' credentials (Secret
 * {@code shop-db}) copied from namespace {@value #SECRET_SOURCE_NAMESPACE} (another source: {@code
 * -Dpreviewenv.secrets=copy:<ns>/shop-db}), and the {@code admin} ingress put behind OAuth2 Proxy
 * at {@code auth.example.com} by PreviewEnv.
 *
 * <ul>
 *   <li>From the CI JVM (Maven, working directory {@code e2e-suite}): PreviewEnv provisions a
 *       namespace for the current branch, injects URLs by {@code previewenv.access} (ingress hosts,
 *       or {@code port-forward} on clusters without ingress controller or DNS) and removes it after
 *       the run. Another checkout of the manifests: {@code -Dpreviewenv.manifests=kustomize:
 *       <dir>}; other images: {@code -Dpreviewenv.images=previewenv-examples/orders=<image>}.
 *   <li>Inside the cluster (the E2E image run as a Job): attach mode, {@code PREVIEWENV_NAMESPACE}
 *       and {@code PREVIEWENV_SERVICE_URL_<SERVICE>} given by the Job runner; nothing is
 *       provisioned and the manifests are not read.
 * </ul>
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
@Documented
@PreviewEnvironment(
    manifests = "kustomize:../examples/deploy/overlays/preview",
    images = {
      "previewenv-examples/web:local",
      "previewenv-examples/catalog:local",
      "previewenv-examples/orders:local",
      "previewenv-examples/admin:local"
    },
    // the admin tool behind the central OAuth2 Proxy: PreviewEnv writes the auth annotations
    // (the manifests carry none; production states them in its overlay)
    protectedIngresses = "admin",
    authHost = "auth.example.com",
    // PostgreSQL's and Redis's credentials: keys username, password, redis-password
    secrets = "copy:" + ExampleStack.SECRET_SOURCE_NAMESPACE + "/shop-db",
    readinessTimeout = "3m")
public @interface ExampleStack {
  /** Where the stack's Secret {@code shop-db} is copied from unless the settings say otherwise. */
  String SECRET_SOURCE_NAMESPACE = "previewenv-shop";
}
