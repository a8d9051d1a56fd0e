package dev.cartwheel.systemtests;

import java.nio.file.Files;
import java.nio.file.Path;

/** The project root (the directory with template.yaml), from the build or by walking up. */
final class Root {

    private Root() {
    }

    static Path path(String first, String... more) {
        return root().resolve(Path.of(first, more));
    }

    static Path root() {
        String configured = System.getProperty("cartwheel.root");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("template.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("template.yaml not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
