package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult.Artifact;
import dev.previewenv.protocol.HandOff;
import dev.previewenv.protocol.HandOffDecoder;
import dev.previewenv.protocol.HandOffRecord;
import dev.previewenv.protocol.RunEnd;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the host makes of the hand-off records of a run: the reports (a later report of the same
 * name wins, e.g. from a replacement pod), the artifacts, the plan and the end record of the last
 * run, the suite's notices, and every problem, including an end record that counts more records
 * than arrived.
 *
 * @param plan the test ids the last run planned; empty when the image wrote no plan
 * @param end the last run's end record, if it arrived
 * @param problems records that could not be recovered or are missing, each naming the record
 */
record HandOffResults(
    Map<String, String> xmlReports,
    List<Artifact> artifacts,
    Optional<List<String>> plan,
    Optional<RunEnd> end,
    List<String> notices,
    List<String> problems) {

  static HandOffResults of(HandOffDecoder decoder) {
    Map<String, String> xml = new LinkedHashMap<>();
    Map<String, Artifact> files = new LinkedHashMap<>();
    List<String> notices = new ArrayList<>();
    List<String> problems = new ArrayList<>(decoder.problems());
    List<HandOffRecord> records = decoder.records();
    String lastRun = null;
    for (HandOffRecord r : records) {
      if (r.kind() == HandOff.Kind.PLAN || r.kind() == HandOff.Kind.END) {
        lastRun = r.runId();
      }
    }
    List<String> plan = null;
    RunEnd end = null;
    int ofLastRun = 0;
    for (HandOffRecord r : records) {
      boolean last = r.runId().equals(lastRun);
      switch (r.kind()) {
        case XML -> xml.put(r.name(), r.text());
        case FILE -> files.put(r.name(), new Artifact(r.name(), r.content()));
        case NOTICE -> notices.add(r.text());
        case PLAN -> {
          if (last) {
            plan = r.text().lines().filter(l -> !l.isBlank()).toList();
          }
        }
        case END -> {
          if (last) {
            end = RunEnd.parse(r.text()).orElse(null);
            if (end == null) {
              problems.add("the end record " + r.id() + " cannot be read: " + r.text());
            }
          }
        }
      }
      if (last && r.kind() != HandOff.Kind.END) {
        ofLastRun++;
      }
    }
    if (end != null && end.records() > ofLastRun) {
      problems.add(
          "the suite wrote "
              + end.records()
              + " records before its end record, "
              + ofLastRun
              + " arrived intact: "
              + (end.records() - ofLastRun)
              + " were lost from the log");
    }
    return new HandOffResults(
        xml,
        List.copyOf(files.values()),
        Optional.ofNullable(plan),
        Optional.ofNullable(end),
        notices,
        problems);
  }
}
