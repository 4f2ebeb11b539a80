package dev.previewenv.core.internal.manifest;

import dev.previewenv.core.InvalidPlanException;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one source so that all are reported at once. Not thread-safe. */
final class Problems {
  private final List<String> list = new ArrayList<>();

  void add(String problem) {
    list.add(problem);
  }

  int size() {
    return list.size();
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  /** Throws an {@link InvalidPlanException} listing every problem, if there is any. */
  void throwIfAny(String description) {
    if (!list.isEmpty()) {
      throw new InvalidPlanException(
          "Cannot load manifests from "
              + description
              + ": "
              + list.size()
              + (list.size() == 1 ? " problem" : " problems")
              + " (listed below). Nothing was sent to a cluster; fix the input and load again.",
          list);
    }
  }
}
