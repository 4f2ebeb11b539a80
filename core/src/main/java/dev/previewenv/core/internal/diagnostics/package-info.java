/**
 * Internal, no compatibility promise: writing the diagnostics folder of a namespace (objects,
 * events, pod states, logs), scrubbed. Public only so that core's other packages can use it; any
 * release may change or remove it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.diagnostics;
