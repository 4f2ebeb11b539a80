/**
 * Internal, no compatibility promise: the HTTP client factory that reuses connections (HTTP/2).
 * Public only so that core's other packages can use it; any release may change or remove it. Use
 * the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.http;
