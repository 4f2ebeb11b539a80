/**
 * Internal, no compatibility promise: creating and deleting environments: namespaces, ownership
 * (labels, holder, lease), appliers, secrets. Public only so that core's other packages can use it;
 * any release may change or remove it. Use the API in {@code dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.provision;
