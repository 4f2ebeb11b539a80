package dev.previewenv.e2e;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The example images as the real-cluster ITs deploy them (Jib builds them into the local Docker
 * engine, whose images the single-node cluster's kubelet runs), and whether they are there. Never
 * pulls.
 */
final class LocalImages {
  static final String TAG = System.getProperty("previewenv.examples.image.tag", "local");
  static final String PREFIX = System.getProperty("previewenv.image.prefix", "");
  static final List<String> SERVICES = List.of("web", "catalog", "orders", "admin");

  /** The data stores' images, built from Debian's packages (examples/images). */
  static final List<String> DATA_IMAGES =
      List.of("previewenv/postgres:local", "previewenv/redis:local");

  private LocalImages() {}

  /** The image of an example service, e.g. {@code previewenv-examples/catalog:local}. */
  static String example(String service) {
    return PREFIX + "previewenv-examples/" + service + ":" + TAG;
  }

  /** The override of every example image, in {@code kustomize edit set image} form. */
  static String overrides() {
    return String.join(
        ",", SERVICES.stream().map(s -> "previewenv-examples/" + s + "=" + example(s)).toList());
  }

  /** Why one of {@code images} cannot be used, or empty when all are in the local engine. */
  static Optional<String> missing(List<String> images) {
    for (String image : images) {
      Process p;
      try {
        p =
            new ProcessBuilder("docker", "image", "inspect", "--format", "{{.Id}}", image)
                .redirectErrorStream(true)
                .start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return Optional.of("docker image inspect " + image + " did not answer within 30 s");
        }
      } catch (IOException e) {
        return Optional.of("the docker CLI cannot be run (" + e.getMessage() + ")");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.of("interrupted while inspecting " + image);
      }
      if (p.exitValue() != 0 && DATA_IMAGES.contains(image)) {
        return Optional.of(
            "image "
                + image
                + " is not in the local Docker engine (never pulled); build it (root, debootstrap):"
                + " sudo bash examples/images/build-data-images.sh");
      }
      if (p.exitValue() != 0) {
        return Optional.of(
            "image "
                + image
                + " is not in the local Docker engine (never pulled), so the images were not"
                + " built: make the base image (sudo bash e2e-image/base-image/build-base-image.sh,"
                + " needs root and debootstrap), then PREVIEWENV_BASE_IMAGE=docker://previewenv/"
                + "jre17:local ./mvnw -B install -DskipTests -pl examples,e2e-suite,e2e-image -am");
      }
    }
    return Optional.empty();
  }
}
