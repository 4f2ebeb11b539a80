package dev.previewenv.examples.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfOneToHundredIsTheRankItself() {
    Percentiles p = Percentiles.of(LongStream.rangeClosed(1, 100).toArray());

    assertThat(p.percentile(50)).isEqualTo(50);
    assertThat(p.percentile(90)).isEqualTo(90);
    assertThat(p.percentile(99)).isEqualTo(99);
    assertThat(p.max()).isEqualTo(100);
    assertThat(p.percentile(0.5)).isEqualTo(1);
  }

  @Test
  void roundsTheRankUpAndNeverInterpolates() {
    Percentiles p = Percentiles.of(new long[] {40, 10, 30, 20});

    assertThat(p.percentile(50)).isEqualTo(20); // rank ceil(2.0) = 2
    assertThat(p.percentile(51)).isEqualTo(30); // rank ceil(2.04) = 3
    assertThat(p.percentile(90)).isEqualTo(40); // rank ceil(3.6) = 4
    assertThat(p.percentile(25)).isEqualTo(10);
  }

  @Test
  void tenValuesPutP99OnTheLargest() {
    Percentiles p = Percentiles.of(new long[] {5, 1, 9, 3, 7, 2, 8, 4, 6, 10});

    assertThat(p.percentile(99)).isEqualTo(10);
    assertThat(p.percentile(90)).isEqualTo(9);
    assertThat(p.percentile(50)).isEqualTo(5);
  }

  @Test
  void oneValueIsEveryPercentile() {
    Percentiles p = Percentiles.of(new long[] {42});

    assertThat(p.percentile(1)).isEqualTo(42);
    assertThat(p.percentile(50)).isEqualTo(42);
    assertThat(p.percentile(100)).isEqualTo(42);
  }

  @Test
  void leavesTheInputUnsorted() {
    long[] values = {3, 1, 2};
    Percentiles.of(values);
    assertThat(values).containsExactly(3, 1, 2);
  }

  @Test
  void refusesPercentilesOutsideTheRangeAndEmptyInput() {
    Percentiles p = Percentiles.of(new long[] {1, 2});
    assertThatThrownBy(() -> p.percentile(0)).hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> p.percentile(100.1)).hasMessageContaining("(0, 100]");
    assertThatThrownBy(() -> Percentiles.of(new long[0]).percentile(50))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no values");
  }
}
