/**
 * Internal, no compatibility promise: the retry of API requests (which failures are transient,
 * backoff, budgets). Public only so that core's other packages can use it; any release may change
 * or remove it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.retry;
