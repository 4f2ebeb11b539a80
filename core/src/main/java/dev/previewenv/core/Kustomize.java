package dev.previewenv.core;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run kustomize for {@link ManifestSource#kustomize(Path, Kustomize)}: which executable, and
 * how long a render may take. Immutable and shareable.
 *
 * <ul>
 *   <li>{@link #auto()} (the default) uses the executable named by the system property {@value
 *       #PROPERTY}, else the environment variable {@value #ENVIRONMENT_VARIABLE}, else {@code
 *       kustomize} on the {@code PATH}, else {@code kubectl} on the {@code PATH}. A configured
 *       value whose file name is {@code kubectl} (or {@code kubectl.exe}) runs {@code kubectl
 *       kustomize <dir>}; any other runs {@code <value> build <dir>}. A value without a directory
 *       part is looked up on the {@code PATH}. The lookup happens at each load, not at creation.
 *   <li>{@link #binary(Path)} runs {@code <path> build <dir>}.
 *   <li>{@link #kubectl(Path)} runs {@code <path> kustomize <dir>}.
 * </ul>
 *
 * <p>The process is started without a shell, its output is read concurrently, and it is killed when
 * it runs longer than {@link #timeout()} (default {@link #DEFAULT_TIMEOUT}).
 */
public final class Kustomize {

  /** System property naming the kustomize (or kubectl) executable for {@link #auto()}. */
  public static final String PROPERTY = "previewenv.kustomize";

  /** Environment variable naming the kustomize (or kubectl) executable for {@link #auto()}. */
  public static final String ENVIRONMENT_VARIABLE = "PREVIEWENV_KUSTOMIZE";

  /** How long a render may take unless configured otherwise: 60 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Which program renders. */
  public enum Tool {
    /** Found at load time: property, environment variable, then {@code PATH}. */
    AUTO,
    /** The standalone {@code kustomize} binary: {@code kustomize build <dir>}. */
    KUSTOMIZE,
    /** kubectl's built-in kustomize: {@code kubectl kustomize <dir>}. */
    KUBECTL
  }

  private final Tool tool;
  private final Path executable;
  private final Duration timeout;
  private final boolean remoteAllowed;

  private Kustomize(Tool tool, Path executable, Duration timeout) {
    this(tool, executable, timeout, false);
  }

  private Kustomize(Tool tool, Path executable, Duration timeout, boolean remoteAllowed) {
    this.tool = tool;
    this.executable = executable;
    this.timeout = timeout;
    this.remoteAllowed = remoteAllowed;
  }

  /**
   * A copy that lets the kustomization reach the network: remote bases, resources and components
   * (URLs, {@code github.com/...}, {@code ?ref=}) and Helm chart repositories. Off by default: such
   * a kustomization fails at once, before kustomize runs, naming each remote entry.
   */
  public Kustomize withRemoteBases(boolean allowed) {
    return new Kustomize(tool, executable, timeout, allowed);
  }

  /** Whether the kustomization may reach the network ({@link #withRemoteBases}). */
  public boolean remoteAllowed() {
    return remoteAllowed;
  }

  /** Finds kustomize or kubectl at load time; see the class description for the order. */
  public static Kustomize auto() {
    return new Kustomize(Tool.AUTO, null, DEFAULT_TIMEOUT);
  }

  /** The standalone kustomize binary at {@code kustomize}, run as {@code <path> build <dir>}. */
  public static Kustomize binary(Path kustomize) {
    return new Kustomize(
        Tool.KUSTOMIZE, Objects.requireNonNull(kustomize, "kustomize"), DEFAULT_TIMEOUT);
  }

  /** kubectl at {@code kubectl}, run as {@code <path> kustomize <dir>}. */
  public static Kustomize kubectl(Path kubectl) {
    return new Kustomize(Tool.KUBECTL, Objects.requireNonNull(kubectl, "kubectl"), DEFAULT_TIMEOUT);
  }

  /**
   * A copy that kills the render after {@code timeout}.
   *
   * @throws IllegalArgumentException when the timeout is zero or negative
   */
  public Kustomize withTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(
          "Kustomize timeout must be positive but was "
              + timeout
              + "; e.g. Duration.ofSeconds(60)");
    }
    return new Kustomize(tool, executable, timeout, remoteAllowed);
  }

  /** Which program renders; {@link Tool#AUTO} until resolved at load time. */
  public Tool tool() {
    return tool;
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
    return o instanceof Kustomize k
        && tool == k.tool
        && Objects.equals(executable, k.executable)
        && timeout.equals(k.timeout)
        && remoteAllowed == k.remoteAllowed;
  }

  @Override
  public int hashCode() {
    return Objects.hash(tool, executable, timeout, remoteAllowed);
  }

  @Override
  public String toString() {
    String base =
        switch (tool) {
          case AUTO -> "Kustomize.auto()";
          case KUSTOMIZE -> "Kustomize.binary(" + executable + ")";
          case KUBECTL -> "Kustomize.kubectl(" + executable + ")";
        };
    String s = timeout.equals(DEFAULT_TIMEOUT) ? base : base + ".withTimeout(" + timeout + ")";
    return remoteAllowed ? s + ".withRemoteBases(true)" : s;
  }
}
