/**
 * Internal, no compatibility promise: the transforms of a plan (namespace, labels, images, ingress
 * hosts, pull secrets, protection) and its validation. Public only so that core's other packages
 * can use it; any release may change or remove it. Use the API in {@code dev.previewenv.core}
 * instead.
 */
package dev.previewenv.core.internal.transform;
