/**
 * The suites of the launcher's fixture image ({@code previewenv-e2e-launcher-it}), run in the
 * cluster by the real-cluster ITs. JUnit Jupiter API only: Jib packages the runtime class path, not
 * test-scope libraries. Not {@code *Test}: surefire leaves them alone.
 */
package dev.previewenv.launcher.itsuite;
