package dev.previewenv.benchmarks;

/**
 * Requests a measured client sent.
 *
 * @param http HTTP requests (each one delayed by the RTT)
 * @param watches watches opened (WebSocket upgrades, not delayed; see {@link DelayingDispatcher})
 */
record RequestCount(long http, long watches) {
  RequestCount minus(RequestCount other) {
    return new RequestCount(http - other.http, watches - other.watches);
  }

  @Override
  public String toString() {
    return "http=" + http + " watches=" + watches;
  }
}
