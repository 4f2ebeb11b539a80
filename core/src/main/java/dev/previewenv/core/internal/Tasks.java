package dev.previewenv.core.internal;

import dev.previewenv.core.PreviewEnvException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one place core runs independent tasks at once and decides how their failures and an
 * interruption come back. Every pool is made of daemon threads ({@link DaemonThreads}) and shut
 * down before the call returns.
 *
 * <ul>
 *   <li>{@link #all}: every task's result, or the first failure rethrown once all tasks ended (a
 *       {@link RuntimeException} or {@link Error} as it was thrown, later ones suppressed);
 *   <li>{@link #each}: every task's result or failure, for callers that report failures one by one
 *       (the janitor);
 *   <li>{@link #cause} and {@link #interrupted}: how a {@code Future}'s {@link ExecutionException}
 *       is unwrapped, and how an interruption ends a wait (the flag set again, one exception type).
 * </ul>
 */
public final class Tasks {
  private Tasks() {}

  /** A task's outcome: its value, or the exception it ended with. */
  public record Outcome<T>(T value, Throwable failure) {
    public boolean failed() {
      return failure != null;
    }
  }

  /** The results of two tasks of different types run at once. */
  public record Both<A, B>(A first, B second) {}

  /** Runs {@code first} and {@code second} at once, like {@link #all}. */
  @SuppressWarnings("unchecked")
  public static <A, B> Both<A, B> both(String threadName, Callable<A> first, Callable<B> second) {
    List<Object> r = all(threadName, 2, List.<Callable<Object>>of(first::call, second::call));
    return new Both<>((A) r.get(0), (B) r.get(1));
  }

  /** The results of {@code tasks}, in their order. */
  public static <T> List<T> all(String threadName, int maxThreads, List<Callable<T>> tasks) {
    if (tasks.size() == 1) {
      return Collections.singletonList(callHere(threadName, tasks.get(0)));
    }
    List<Outcome<T>> outcomes = each(threadName, maxThreads, tasks);
    List<T> results = new ArrayList<>(outcomes.size());
    Throwable first = null;
    for (Outcome<T> o : outcomes) {
      results.add(o.value());
      if (o.failed()) {
        if (first == null) {
          first = o.failure();
        } else if (first != o.failure()) {
          first.addSuppressed(o.failure());
        }
      }
    }
    if (first != null) {
      throw unchecked(first, threadName + " failed");
    }
    return results;
  }

  /** The outcome of every one of {@code tasks}, in their order; none is thrown. */
  public static <T> List<Outcome<T>> each(
      String threadName, int maxThreads, List<Callable<T>> tasks) {
    if (tasks.isEmpty()) {
      return List.of();
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.max(1, Math.min(maxThreads, tasks.size())), DaemonThreads.numbered(threadName));
    try {
      List<Future<T>> futures = new ArrayList<>(tasks.size());
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<Outcome<T>> outcomes = new ArrayList<>(futures.size());
      for (Future<T> f : futures) {
        try {
          outcomes.add(new Outcome<>(f.get(), null));
        } catch (ExecutionException e) {
          outcomes.add(new Outcome<>(null, cause(e)));
        } catch (InterruptedException e) {
          throw interrupted("waiting for " + threadName, e);
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * What a task really threw: the cause of an {@link ExecutionException} or {@link
   * CompletionException}, however deeply nested.
   */
  public static Throwable cause(Throwable wrapped) {
    Throwable t = wrapped;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * {@code failure} as an unchecked exception: a {@link RuntimeException} as it is, an {@link
   * Error} thrown at once, anything else in a {@link PreviewEnvException} saying {@code what}.
   */
  public static RuntimeException unchecked(Throwable failure, String what) {
    Throwable t = cause(failure);
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    return new PreviewEnvException(what + ": " + t.getMessage(), t);
  }

  /**
   * Ends a wait that was interrupted: the thread's interrupt flag is set again (so that the caller
   * still sees it) and the exception to throw says what was being waited for.
   */
  public static PreviewEnvException interrupted(String waitingFor, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new PreviewEnvException("Interrupted while " + waitingFor, e);
  }

  private static <T> T callHere(String threadName, Callable<T> task) {
    try {
      return task.call();
    } catch (Exception e) {
      throw unchecked(e, threadName + " failed");
    }
  }
}
