package dev.cartwheel.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProjectTemplateTest {

    @Test
    void walksUpToTheDirectoryWithTemplateAndPom(@TempDir Path root) throws Exception {
        Files.writeString(root.resolve("template.yaml"), "Resources: {}\n");
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path deep = Files.createDirectories(root.resolve("functions/checkout/src"));
        Files.writeString(root.resolve("functions/template.yaml"), "not next to a pom\n");
        assertThat(ProjectTemplate.find(deep)).contains(root.resolve("template.yaml"));
    }

    @Test
    void emptyWhenThereIsNone(@TempDir Path root) {
        assertThat(ProjectTemplate.find(root)).isEmpty();
    }

    @Test
    void modeDefaultsToEmbedded() {
        assertThat(new AwsEmulators().mode()).isEqualTo(System.getProperty(AwsEmulators.MODE_PROPERTY) == null
                ? AwsEnvironment.Mode.EMBEDDED : AwsEmulators.modeFromSystemProperty());
    }
}
