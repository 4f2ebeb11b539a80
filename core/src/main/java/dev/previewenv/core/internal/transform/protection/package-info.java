/**
 * Internal, no compatibility promise: the protection providers (ingress-nginx, Traefik, Envoy
 * Gateway) behind one small interface. Not part of PreviewEnv's API; choose a provider with {@code
 * Plan.Builder.protection(Protection)}.
 */
package dev.previewenv.core.internal.transform.protection;
