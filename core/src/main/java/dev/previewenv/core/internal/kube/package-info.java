/**
 * Internal, no compatibility promise: the Kubernetes vocabulary every other room of core speaks.
 * {@link dev.previewenv.core.internal.kube.Keys} holds the label and annotation keys PreviewEnv
 * writes (the ownership contract the janitor's safety rests on), {@link
 * dev.previewenv.core.internal.kube.Coordinates} names objects and their resources, {@link
 * dev.previewenv.core.internal.kube.Pods} holds the facts about pods that readiness, diagnostics
 * and the E2E Job runner share, {@link dev.previewenv.core.internal.kube.PodText} the words for
 * them. Public only so that core's other packages can use it; any release may change or remove it.
 */
package dev.previewenv.core.internal.kube;
