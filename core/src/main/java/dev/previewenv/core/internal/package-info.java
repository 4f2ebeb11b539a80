/**
 * Internal, no compatibility promise: helpers every room of core shares (the scrubber of known
 * secret values, running tasks at once, daemon threads). Public only so that core's other packages
 * can use it; any release may change or remove it. Use the API in {@code dev.previewenv.core}
 * instead.
 */
package dev.previewenv.core.internal;
