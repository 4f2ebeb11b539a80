package dev.previewenv.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.maven.plugin.AbstractMojo;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The hand-written plugin descriptor matches the mojo classes: every goal's class exists and is a
 * mojo, every parameter it lists is a field of that class (or its base class) with the declared
 * type, every field of a mojo is listed, and every goal has a configuration entry per parameter.
 */
class PluginDescriptorTest {

  @Test
  void descriptorMatchesTheMojoClasses() throws Exception {
    Document doc;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/maven/plugin.xml")) {
      doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
    }
    assertThat(text(doc.getDocumentElement(), "goalPrefix")).isEqualTo("previewenv");
    assertThat(text(doc.getDocumentElement(), "version")).doesNotContain("@");
    NodeList mojos = doc.getElementsByTagName("mojo");
    List<String> goals = new ArrayList<>();
    for (int i = 0; i < mojos.getLength(); i++) {
      Element mojo = (Element) mojos.item(i);
      String goal = text(mojo, "goal");
      goals.add(goal);
      Class<?> type = Class.forName(text(mojo, "implementation"));
      assertThat(AbstractMojo.class).as(goal).isAssignableFrom(type);
      Set<String> listed = new HashSet<>();
      NodeList params =
          ((Element) mojo.getElementsByTagName("parameters").item(0))
              .getElementsByTagName("parameter");
      for (int j = 0; j < params.getLength(); j++) {
        Element p = (Element) params.item(j);
        String name = text(p, "name");
        listed.add(name);
        Field f = field(type, name);
        assertThat(f).as(goal + " parameter " + name).isNotNull();
        String declared = text(p, "type");
        assertThat(f.getType().getName())
            .as(goal + " parameter " + name + " type")
            .isEqualTo(declared);
        Element configuration = (Element) mojo.getElementsByTagName("configuration").item(0);
        assertThat(configuration.getElementsByTagName(name).getLength())
            .as(goal + " configuration of " + name)
            .isEqualTo(1);
      }
      for (Class<?> c = type; c != AbstractMojo.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (!java.lang.reflect.Modifier.isStatic(f.getModifiers())) {
            assertThat(listed).as(goal + " lists field " + f.getName()).contains(f.getName());
          }
        }
      }
    }
    assertThat(goals).containsExactlyInAnyOrder("up", "e2e", "verify", "down", "plan", "gc");
  }

  private static Field field(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      try {
        return c.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    return null;
  }

  private static String text(Element parent, String child) {
    NodeList n = parent.getElementsByTagName(child);
    return n.getLength() == 0 ? null : n.item(0).getTextContent().strip();
  }
}
