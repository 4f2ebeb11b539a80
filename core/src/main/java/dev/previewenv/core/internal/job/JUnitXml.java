package dev.previewenv.core.internal.job;

import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;

/**
 * Reads the test cases of a JUnit XML report (the Ant/Surefire format written by the JUnit
 * Platform's legacy XML reporter): {@code testcase} elements anywhere below the root, failed when
 * they hold {@code failure} or {@code error}, skipped when they hold {@code skipped}. DTDs and
 * external entities are refused.
 */
public final class JUnitXml {
  private JUnitXml() {}

  /**
   * The test cases of {@code xml}.
   *
   * @throws IllegalArgumentException when {@code xml} is not well-formed XML; the message says why
   */
  public static List<TestCase> parse(String xml) {
    Document doc;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setXIncludeAware(false);
      f.setExpandEntityReferences(false);
      DocumentBuilder b = f.newDocumentBuilder();
      b.setErrorHandler(null);
      doc = b.parse(new InputSource(new StringReader(xml)));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalArgumentException(
          "not a well-formed JUnit XML report: " + e.getMessage(), e);
    }
    List<TestCase> out = new ArrayList<>();
    NodeList cases = doc.getElementsByTagName("testcase");
    for (int i = 0; i < cases.getLength(); i++) {
      Element tc = (Element) cases.item(i);
      Element failure = firstChild(tc, "failure");
      if (failure == null) {
        failure = firstChild(tc, "error");
      }
      Element skipped = firstChild(tc, "skipped");
      Status status;
      String message = "";
      String details = "";
      if (failure != null) {
        status = Status.FAILED;
        message = failure.getAttribute("message");
        String type = failure.getAttribute("type");
        String text = failure.getTextContent() == null ? "" : failure.getTextContent().strip();
        details = text.isEmpty() ? type : text;
        if (message.isEmpty()) {
          message = type.isEmpty() ? firstLine(text) : type;
        }
      } else if (skipped != null) {
        status = Status.SKIPPED;
        message = skipped.getAttribute("message");
        if (message.isEmpty() && skipped.getTextContent() != null) {
          message = firstLine(skipped.getTextContent().strip());
        }
      } else {
        status = Status.PASSED;
      }
      out.add(
          new TestCase(
              tc.getAttribute("classname"),
              tc.getAttribute("name"),
              status,
              message,
              details,
              time(tc.getAttribute("time"))));
    }
    return out;
  }

  private static Element firstChild(Element parent, String tag) {
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        return e;
      }
    }
    return null;
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl).strip();
  }

  private static Duration time(String seconds) {
    if (seconds == null || seconds.isBlank()) {
      return Duration.ZERO;
    }
    try {
      BigDecimal s = new BigDecimal(seconds.strip().replace(",", ""));
      return s.signum() < 0 ? Duration.ZERO : Duration.ofNanos(s.movePointRight(9).longValue());
    } catch (NumberFormatException | ArithmeticException e) {
      return Duration.ZERO;
    }
  }
}
