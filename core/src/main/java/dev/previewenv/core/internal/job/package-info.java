/**
 * Internal, no compatibility promise: running the in-cluster E2E Job: its objects, log stream, the
 * results it hands back, pod states. Public only so that core's other packages can use it; any
 * release may change or remove it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.job;
