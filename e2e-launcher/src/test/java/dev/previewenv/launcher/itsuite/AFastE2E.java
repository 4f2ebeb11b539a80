package dev.previewenv.launcher.itsuite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Two quick tests. */
public class AFastE2E {
  @Test
  void adds() {
    assertEquals(4, 2 + 2);
  }

  @Test
  void concatenatesUnicode() {
    assertEquals("grüße 漢字", "grüße " + "漢字");
  }
}
