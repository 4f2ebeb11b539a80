package dev.previewenv.launcher;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The JUnit XML (Ant/Surefire form) of one test class: a {@code testsuite} with one {@code
 * testcase} per finished test, {@code failure} or {@code skipped} inside where it applies.
 */
final class ClassXml {
  private ClassXml() {}

  enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  /** One finished test. */
  record Case(
      String className,
      String name,
      Status status,
      String message,
      String type,
      String trace,
      Duration time) {}

  static String render(String suite, List<Case> cases) {
    long failures = cases.stream().filter(c -> c.status() == Status.FAILED).count();
    long skipped = cases.stream().filter(c -> c.status() == Status.SKIPPED).count();
    Duration total = cases.stream().map(Case::time).reduce(Duration.ZERO, Duration::plus);
    StringBuilder sb = new StringBuilder(256 + cases.size() * 160);
    sb.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"");
    attr(suite, sb);
    sb.append("\" tests=\"").append(cases.size());
    sb.append("\" skipped=\"").append(skipped);
    sb.append("\" failures=\"").append(failures);
    sb.append("\" errors=\"0\" time=\"").append(seconds(total)).append("\">\n");
    for (Case c : cases) {
      sb.append("  <testcase name=\"");
      attr(c.name(), sb);
      sb.append("\" classname=\"");
      attr(c.className(), sb);
      sb.append("\" time=\"").append(seconds(c.time())).append('"');
      switch (c.status()) {
        case PASSED -> sb.append("/>\n");
        case SKIPPED -> {
          sb.append("><skipped message=\"");
          attr(c.message(), sb);
          sb.append("\"/></testcase>\n");
        }
        case FAILED -> {
          sb.append(">\n    <failure message=\"");
          attr(c.message(), sb);
          sb.append("\" type=\"");
          attr(c.type(), sb);
          sb.append("\">");
          text(c.trace(), sb);
          sb.append("</failure>\n  </testcase>\n");
        }
      }
    }
    sb.append("</testsuite>\n");
    return sb.toString();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9);
  }

  private static void attr(String s, StringBuilder sb) {
    escape(s, true, sb);
  }

  private static void text(String s, StringBuilder sb) {
    escape(s, false, sb);
  }

  /** Escapes markup; characters XML 1.0 cannot carry become U+FFFD. */
  private static void escape(String s, boolean attribute, StringBuilder sb) {
    if (s == null) {
      return;
    }
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      switch (cp) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append(attribute ? "&quot;" : "\"");
        case '\n' -> sb.append(attribute ? "&#10;" : "\n");
        case '\r' -> sb.append("&#13;");
        case '\t' -> sb.append(attribute ? "&#9;" : "\t");
        default -> {
          boolean legal =
              (cp >= 0x20 && cp <= 0xD7FF)
                  || (cp >= 0xE000 && cp <= 0xFFFD)
                  || (cp >= 0x10000 && cp <= 0x10FFFF);
          if (legal) {
            sb.appendCodePoint(cp);
          } else {
            sb.append('\uFFFD');
          }
        }
      }
    }
  }
}
