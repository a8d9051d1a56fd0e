package dev.cartwheel.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code java -jar local-cloud.jar} on a Java older than 21 prints one line saying what it needs, not a stack trace. */
class LauncherIT {

    @Test
    void anOldJavaGetsOneLineSayingWhichJavaIsNeeded() throws Exception {
        Optional<Path> oldJava = oldJava();
        assumeTrue(oldJava.isPresent(), "no JDK older than 21 under /usr/lib/jvm to run the jar with");

        Process process = new ProcessBuilder(oldJava.get().toString(), "-jar", DemoIT.JAR.toString(), "token", "--sub", "alice")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output.lines().toList()).singleElement().asString()
                .startsWith("cartwheel: the local cloud needs Java 21 or newer")
                .contains("JAVA_HOME")
                .doesNotContain("UnsupportedClassVersionError");
    }

    @Test
    void theSameJarRunsOnThisJava() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-jar", DemoIT.JAR.toString(), "token", "--sub", "alice")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();

        assertThat(process.exitValue()).isZero();
        assertThat(output).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void featureVersionsAreReadFromBothSpellings() {
        assertThat(Launcher.feature("1.8")).isEqualTo(8);
        assertThat(Launcher.feature("17")).isEqualTo(17);
        assertThat(Launcher.feature("25")).isEqualTo(25);
    }

    private static Optional<Path> oldJava() throws Exception {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(dir -> dir.getFileName().toString().matches(".*-(8|11|17)(-.*)?"))
                    .map(dir -> dir.resolve("bin/java")).filter(Files::isExecutable).findFirst();
        }
    }
}
