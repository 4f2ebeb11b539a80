/**
 * Internal, no compatibility promise: reading manifest sources (files, directories, classpath,
 * inline YAML, kustomize and Helm renderings) into objects, with the problems found. Public only so
 * that core's other packages can use it; any release may change or remove it. Use the API in {@code
 * dev.previewenv.core} instead.
 */
package dev.previewenv.core.internal.manifest;
