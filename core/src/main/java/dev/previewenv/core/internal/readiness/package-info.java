/**
 * Internal, no compatibility promise: the watch-based readiness wait and the states of workloads it
 * judges. Public only so that core's other packages can use it; any release may change or remove
 * it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.readiness;
