package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;

/** The size of each deployable jar and how many entries it holds. */
final class SizeBench {

    static final List<String> FUNCTIONS = List.of("checkout", "inventory", "payment", "email", "reconciler",
            "payment-webhook", "order-events");

    private SizeBench() {
    }

    static ObjectNode run(Path root, PrintStream report) {
        ObjectNode result = new ObjectMapper().createObjectNode();
        report.printf("%nDeployable jars%n%-12s %12s %8s%n", "function", "bytes", "entries");
        for (String function : FUNCTIONS) {
            Path jar = root.resolve("functions").resolve(function).resolve("target").resolve(function + ".jar");
            try (JarFile file = new JarFile(jar.toFile())) {
                long bytes = Files.size(jar);
                int entries = file.size();
                report.printf("%-12s %,12d %8d%n", function, bytes, entries);
                result.putObject(function).put("bytes", bytes).put("entries", entries);
            } catch (IOException e) {
                throw new UncheckedIOException("build the jars first (mvn package): " + jar, e);
            }
        }
        return result;
    }
}
