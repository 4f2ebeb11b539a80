/**
 * Internal, no compatibility promise: the seed phase (which Jobs are seeds, in which stages after
 * which workloads they run, their runs and the record of what ran). Public only so that core's
 * other packages can use it; any release may change or remove it. Use {@code Plan.seeds()}, the
 * annotations named on {@code dev.previewenv.core.Plan} and {@code Provisioner.withReseed} instead.
 */
package dev.previewenv.core.internal.seed;
