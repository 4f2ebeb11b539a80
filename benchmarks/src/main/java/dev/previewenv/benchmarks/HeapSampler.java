package dev.previewenv.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Samples used heap every 2 ms on a daemon thread and keeps the peak. Used heap includes garbage
 * not yet collected, so the peak is an upper bound of the live set. {@link #baseline()} is the used
 * heap after a full GC before sampling started.
 */
final class HeapSampler implements AutoCloseable {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private final long baseline;
  private volatile long peak;
  private volatile boolean running = true;

  HeapSampler() {
    System.gc();
    System.gc();
    baseline = used();
    peak = baseline;
    thread =
        new Thread(
            () -> {
              while (running) {
                long u = used();
                if (u > peak) {
                  peak = u;
                }
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "bench-heap-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private long used() {
    return memory.getHeapMemoryUsage().getUsed();
  }

  long baseline() {
    return baseline;
  }

  long peak() {
    long u = used();
    return Math.max(u, peak);
  }

  static double mb(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
