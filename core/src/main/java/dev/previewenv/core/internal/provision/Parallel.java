package dev.previewenv.core.internal.provision;

import dev.previewenv.core.PreviewEnvException;
import dev.previewenv.core.internal.DaemonThreads;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a few independent requests at once, each on its own daemon thread (at most {@code
 * maxThreads}), and waits for all of them. The first failure is rethrown once every task ended (a
 * {@link RuntimeException} or {@link Error} as it was thrown), later ones added as suppressed.
 */
public final class Parallel {
  private Parallel() {}

  /** The results of {@code tasks}, in their order. */
  public static <T> List<T> all(String threadName, int maxThreads, List<Callable<T>> tasks) {
    if (tasks.isEmpty()) {
      return List.of();
    }
    if (tasks.size() == 1) {
      return java.util.Collections.singletonList(call(threadName, tasks.get(0)));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(maxThreads, tasks.size())), DaemonThreads.numbered(threadName));
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      Throwable first = null;
      for (Future<T> f : futures) {
        try {
          results.add(f.get());
        } catch (ExecutionException e) {
          if (first == null) {
            first = e.getCause();
          } else if (first != e.getCause()) {
            first.addSuppressed(e.getCause());
          }
          results.add(null);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new PreviewEnvException("Interrupted while waiting for " + threadName, e);
        }
      }
      if (first instanceof RuntimeException r) {
        throw r;
      }
      if (first instanceof Error err) {
        throw err;
      }
      if (first != null) {
        throw new PreviewEnvException(threadName + " failed: " + first.getMessage(), first);
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> T call(String threadName, Callable<T> task) {
    try {
      return task.call();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new PreviewEnvException(threadName + " failed: " + e.getMessage(), e);
    }
  }
}
