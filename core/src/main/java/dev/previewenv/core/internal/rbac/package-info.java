/**
 * Internal, no compatibility promise: the RBAC preflight: the permissions a plan needs and the
 * access reviews that check them. Public only so that core's other packages can use it; any release
 * may change or remove it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.rbac;
