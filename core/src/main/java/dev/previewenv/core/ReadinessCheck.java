package dev.previewenv.core;

/**
 * A custom readiness check, run after the workloads are ready and until it passes or the readiness
 * timeout ends (e.g. HTTP 200 from a health URL). (Contract in progress.)
 */
public interface ReadinessCheck {
  /** What is awaited, for messages, e.g. {@code HTTP 200 from https://x.example.com/health}. */
  String description();
}
