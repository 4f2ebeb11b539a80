package dev.previewenv.core;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Test resources as paths on disk. */
final class Fixtures {
  private Fixtures() {}

  static Path path(String resource) {
    URL url = Fixtures.class.getClassLoader().getResource(resource);
    if (url == null) {
      throw new IllegalStateException("test resource " + resource + " is missing");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
