package dev.cartwheel.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the project's template.yaml: the first directory upwards from the working directory holding it and a pom.xml. */
public final class ProjectTemplate {

    public static final String FILE_NAME = "template.yaml";

    private ProjectTemplate() {
    }

    public static Optional<Path> find() {
        return find(Path.of("").toAbsolutePath());
    }

    public static Optional<Path> find(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FILE_NAME)) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return Optional.of(dir.resolve(FILE_NAME));
            }
        }
        return Optional.empty();
    }

    /** The template, or an {@link IllegalStateException} saying where it was looked for. */
    public static Path locate() {
        return find().orElseThrow(() -> new IllegalStateException("no " + FILE_NAME + " next to a pom.xml in "
                + Path.of("").toAbsolutePath() + " or any parent directory"));
    }
}
