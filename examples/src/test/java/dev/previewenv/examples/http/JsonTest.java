package dev.previewenv.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void writesNestedValuesCompactly() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("s", "a");
    value.put("n", 3);
    value.put("b", true);
    value.put("z", null);
    value.put("l", List.of(1, "x"));

    assertThat(Json.write(value))
        .isEqualTo("{\"s\":\"a\",\"n\":3,\"b\":true,\"z\":null,\"l\":[1,\"x\"]}");
  }

  @Test
  void escapesQuotesBackslashesAndControlCharacters() {
    assertThat(Json.write("q\"b\\n\nt\tc\u0001")).isEqualTo("\"q\\\"b\\\\n\\nt\\tc\\u0001\"");
  }

  @Test
  void readsBackWhatItWrites() {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("text", "line\n\"quoted\" \u00e9 \u0007");
    value.put("list", List.of(1L, new BigDecimal("2.5"), false));
    value.put("nothing", null);

    assertThat(Json.parse(Json.write(value))).isEqualTo(value);
  }

  @Test
  void readsUnicodeEscapesAndWhitespace() {
    assertThat(Json.parse(" { \"a\" : [ \"\\u00e9\\/\" , -12 , 1e2 ] } "))
        .isEqualTo(Map.of("a", Arrays.asList("\u00e9/", -12L, new BigDecimal("1e2"))));
  }

  @Test
  void rejectsMalformedTextNamingThePosition() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Json.parse("{\"a\":1,}"))
        .withMessageContaining("position 7");
    assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("[1 2]"));
    assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("\"open"));
    assertThatIllegalArgumentException().isThrownBy(() -> Json.parse("{} x"));
    assertThatIllegalArgumentException()
        .isThrownBy(() -> Json.parseObject("[]"))
        .withMessageContaining("expected a JSON object");
  }
}
