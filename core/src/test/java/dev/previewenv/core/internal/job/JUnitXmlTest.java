package dev.previewenv.core.internal.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.previewenv.core.E2eResult.Status;
import dev.previewenv.core.E2eResult.TestCase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class JUnitXmlTest {
  @Test
  void readsPassedFailedErroredAndSkippedCasesFromNestedSuites() {
    String xml =
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuites>
          <testsuite name="JUnit Jupiter" tests="4">
            <testcase name="health()" classname="shop.HealthIT" time="0.250"/>
            <testcase name="order()" classname="shop.OrderIT" time="1.5">
              <failure message="expected: &lt;201&gt; but was: &lt;500&gt;"
                  type="org.opentest4j.AssertionFailedError">stack line 1
        stack line 2</failure>
            </testcase>
            <testcase name="boom()" classname="shop.OrderIT"><error type="java.lang.IllegalStateException"/></testcase>
            <testcase name="admin()" classname="shop.AdminIT"><skipped message="no auth host"/></testcase>
          </testsuite>
        </testsuites>
        """;

    List<TestCase> cases = JUnitXml.parse(xml);

    assertThat(cases)
        .extracting(TestCase::id, TestCase::status, TestCase::message)
        .containsExactly(
            tuple("shop.HealthIT#health()", Status.PASSED, ""),
            tuple("shop.OrderIT#order()", Status.FAILED, "expected: <201> but was: <500>"),
            tuple("shop.OrderIT#boom()", Status.FAILED, "java.lang.IllegalStateException"),
            tuple("shop.AdminIT#admin()", Status.SKIPPED, "no auth host"));
    assertThat(cases.get(0).time()).isEqualTo(Duration.ofMillis(250));
    assertThat(cases.get(1).details()).isEqualTo("stack line 1\nstack line 2");
  }

  @Test
  void refusesDoctypesAndMalformedXml() {
    assertThatThrownBy(
            () ->
                JUnitXml.parse(
                    "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><testsuite>&e;</testsuite>"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a well-formed JUnit XML report");
    assertThatThrownBy(() -> JUnitXml.parse("<testsuite>"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheTerminationMessageSummary() {
    String json =
        "{\"tests\":5,\"passed\":3,\"failed\":1,\"skipped\":1,"
            + "\"failures\":[{\"id\":\"shop.OrderIT#order()\",\"message\":\"500\"}]}\n";

    TerminationSummary s = TerminationSummary.parse(json).orElseThrow();

    assertThat(s.tests()).isEqualTo(5);
    assertThat(s.passed()).isEqualTo(3);
    assertThat(s.failed()).isEqualTo(1);
    assertThat(s.skipped()).isEqualTo(1);
    assertThat(s.failures())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.className()).isEqualTo("shop.OrderIT");
              assertThat(f.name()).isEqualTo("order()");
              assertThat(f.message()).isEqualTo("500");
            });
    assertThat(TerminationSummary.parse("Error: boom")).isEmpty();
    assertThat(TerminationSummary.parse("{\"x\":1}")).isEmpty();
  }

  @Test
  void readsTheE2eImageSummaryForm() {
    String json =
        "{\"status\":\"FAILED\",\"exitCode\":1,\"tests\":{\"found\":6,\"succeeded\":3,"
            + "\"failed\":1,\"aborted\":1,\"skipped\":1},\"containersFailed\":1,"
            + "\"durationMillis\":20,\"failures\":[{\"test\":\"shop.OrderIT#placesOrder()\","
            + "\"message\":\"HTTP 500\"},{\"test\":\"shop.SetupIT\",\"message\":\"no db\"}],"
            + "\"failuresOmitted\":0}";

    TerminationSummary s = TerminationSummary.parse(json).orElseThrow();

    assertThat(List.of(s.tests(), s.passed(), s.failed(), s.skipped())).containsExactly(6, 3, 2, 2);
    assertThat(s.failures())
        .extracting(TestCase::id, TestCase::message)
        .containsExactly(
            tuple("shop.OrderIT#placesOrder()", "HTTP 500"), tuple("shop.SetupIT", "no db"));
  }
}
