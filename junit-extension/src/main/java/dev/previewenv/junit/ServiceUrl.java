package dev.previewenv.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects the URL of a service of the {@link PreviewEnvironment} into a test constructor or method
 * parameter of type {@link java.net.URI}, {@link java.net.URL}, {@link String}, or RestAssured's
 * {@code RequestSpecification} (base URI and base path set to the service's URL).
 *
 * <p>Provisioned environments: the first ingress route leading to the service. Attach mode:
 * in-cluster URLs (see {@link PreviewEnvironment}). An unknown service fails the test with the
 * services that are known.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
@Documented
@ExtendWith(PreviewEnvironmentExtension.class)
public @interface ServiceUrl {
  /** The Kubernetes Service name, e.g. {@code api}. */
  String value();
}
