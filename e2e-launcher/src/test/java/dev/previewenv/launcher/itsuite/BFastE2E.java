package dev.previewenv.launcher.itsuite;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Two quick tests; one leaves an artifact, as a test that takes a screenshot would. */
public class BFastE2E {
  @Test
  void leavesAnArtifact() throws Exception {
    Path dir = Path.of(System.getProperty("previewenv.e2e.artifacts"));
    Files.createDirectories(dir.resolve("screens"));
    Files.writeString(dir.resolve("screens/checkout.txt"), "the checkout page, as the test saw it");
    assertTrue(Files.exists(dir.resolve("screens/checkout.txt")));
  }

  @Test
  void subtracts() {
    assertTrue(3 - 1 == 2);
  }
}
