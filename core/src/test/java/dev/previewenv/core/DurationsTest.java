package dev.previewenv.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void shortAndIsoFormsInAnyCaseWithBlanks() {
    assertThat(Durations.parse("250ms")).contains(Duration.ofMillis(250));
    assertThat(Durations.parse(" 30 S ")).contains(Duration.ofSeconds(30));
    assertThat(Durations.parse("90m")).contains(Duration.ofMinutes(90));
    assertThat(Durations.parse("4h")).contains(Duration.ofHours(4));
    assertThat(Durations.parse("2d")).contains(Duration.ofDays(2));
    assertThat(Durations.parse("pt4h")).contains(Duration.ofHours(4));
    assertThat(Durations.parse("0s")).contains(Duration.ZERO);
  }

  @Test
  void anythingElseIsEmptyAndPositiveRefusesZeroAndNegative() {
    assertThat(Durations.parse("4 hours")).isEmpty();
    assertThat(Durations.parse("")).isEmpty();
    assertThat(Durations.parse("-5m")).isEmpty();
    assertThat(Durations.parsePositive("0s")).isEmpty();
    assertThat(Durations.parsePositive("PT-1H")).isEmpty();
    assertThat(Durations.parsePositive("1h")).contains(Duration.ofHours(1));
  }
}
