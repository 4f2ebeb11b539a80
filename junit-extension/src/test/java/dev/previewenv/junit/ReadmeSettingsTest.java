package dev.previewenv.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's settings table names every setting of {@link PreviewEnvironment}, once each. */
class ReadmeSettingsTest {

  @Test
  void everySettingHasOneRowWithItsEnvironmentVariable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> settings = new ArrayList<>();
    for (Field f : PreviewEnvironment.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && ((String) f.get(null)).startsWith("previewenv.")) {
        settings.add((String) f.get(null));
      }
    }
    assertThat(settings).hasSizeGreaterThan(20);
    for (String setting : settings) {
      String row = "| `" + setting + (setting.endsWith(".") ? "" : "`");
      int rows = readme.split(java.util.regex.Pattern.quote(row), -1).length - 1;
      assertThat(rows).as("rows for %s", setting).isEqualTo(1);
      String env = Settings.environmentName(setting);
      assertThat(readme).as("environment variable of %s", setting).contains("| `" + env);
    }
  }
}
