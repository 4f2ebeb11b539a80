package dev.previewenv.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which Helm runs {@code helm template} for {@link ManifestSource#helm(HelmChart)} (and for
 * kustomize's {@code helmCharts:} when {@link Kustomize#withHelm(boolean)} allows it), and how long
 * a render may take. Immutable and shareable. Helm 3 and Helm 4 work; Helm 2 does not (its {@code
 * template} command takes other arguments).
 *
 * <ul>
 *   <li>{@link #auto()} (the default) uses the executable named by the system property {@value
 *       #PROPERTY}, else the environment variable {@value #ENVIRONMENT_VARIABLE}, else {@code helm}
 *       on the {@code PATH}. A value without a directory part is looked up on the {@code PATH}. The
 *       lookup happens at each load, not at creation.
 *   <li>{@link #binary(Path)} runs the executable at that path.
 * </ul>
 *
 * <p>The process is started without a shell, its output is read concurrently, and it is killed when
 * it runs longer than {@link #timeout()} (default {@link #DEFAULT_TIMEOUT}).
 */
public final class Helm {

  /** System property naming the helm executable for {@link #auto()}. */
  public static final String PROPERTY = "previewenv.helm";

  /** Environment variable naming the helm executable for {@link #auto()}. */
  public static final String ENVIRONMENT_VARIABLE = "PREVIEWENV_HELM";

  /** How long a render may take unless configured otherwise: 60 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private final Path executable;
  private final Duration timeout;

  private Helm(Path executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
  }

  /** Finds helm at load time: property, environment variable, then {@code PATH}. */
  public static Helm auto() {
    return new Helm(null, DEFAULT_TIMEOUT);
  }

  /** The helm executable at {@code helm}. */
  public static Helm binary(Path helm) {
    return new Helm(Objects.requireNonNull(helm, "helm"), DEFAULT_TIMEOUT);
  }

  /**
   * A copy that kills the render after {@code timeout}.
   *
   * @throws IllegalArgumentException when the timeout is zero or negative
   */
  public Helm withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "Helm timeout must be positive but was " + timeout + "; e.g. Duration.ofSeconds(60)");
    }
    return new Helm(executable, timeout);
  }

  /** The configured executable; empty for {@link #auto()}. */
  public Optional<Path> executable() {
    return Optional.ofNullable(executable);
  }

  /** How long a render may take before it is killed. */
  public Duration timeout() {
    return timeout;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Helm h
        && Objects.equals(executable, h.executable)
        && timeout.equals(h.timeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(executable, timeout);
  }

  @Override
  public String toString() {
    String base = executable == null ? "Helm.auto()" : "Helm.binary(" + executable + ")";
    return timeout.equals(DEFAULT_TIMEOUT) ? base : base + ".withTimeout(" + timeout + ")";
  }
}
