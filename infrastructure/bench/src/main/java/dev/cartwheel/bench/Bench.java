package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.Emulators;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code java -jar infrastructure/bench/target/bench.jar [all|sizes|warm|cold|throughput|local]}: runs the benchmarks,
 * prints their tables and writes {@code target/bench/<name>.json} under the project root. Numbers only: nothing
 * here passes or fails on a figure.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Bench() {
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Exception | Error e) {
            // embedded emulators keep non-daemon threads: a failed bench must still end the process
            System.err.println("bench failed: " + e);
            for (StackTraceElement frame : e.getStackTrace()) {
                System.err.println("\tat " + frame);
            }
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] args) throws Exception {
        String what = args.length == 0 ? "all" : args[0];
        Path root = projectRoot();
        Path out = root.resolve("target").resolve("bench");
        Files.createDirectories(out);
        PrintStream report = System.out;
        report.printf("Cartwheel bench on %s %s, %d cores, JDK %s%n", System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), Runtime.version());

        if (what.equals("all") || what.equals("sizes")) {
            write(out, "sizes", SizeBench.run(root, report));
        }
        if (what.equals("all") || what.equals("warm")) {
            try (Emulators emulators = Emulators.startEmbedded()) {
                // handlers log and emit metrics on stdout, as on Lambda: keep their cost, drop their lines
                System.setOut(new PrintStream(OutputStream.nullOutputStream(), false));
                try {
                    write(out, "warm", WarmBench.run(emulators, root, integer("bench.warmup", 300), integer("bench.measured", 1000), report));
                } finally {
                    System.setOut(report);
                }
            }
        }
        if (what.equals("local")) {
            // not part of "all": it starts the local cloud four times and measures it on its own
            write(out, "local", LocalBench.run(root, integer("bench.localOrders", 20), integer("bench.upRuns", 3), report));
        }
        for (String extra : List.of("cold", "throughput")) {
            if (what.equals("all") || what.equals(extra)) {
                ObjectNode result = switch (extra) {
                    case "cold" -> ColdStartBench.run(root, integer("bench.coldRuns", 10), report);
                    default -> ThroughputBench.run(root, integer("bench.orders", 300), integer("bench.concurrency", 16), report);
                };
                write(out, extra, result);
            }
        }
        report.printf("%nResults in %s%n", out);
    }

    private static void write(Path dir, String name, ObjectNode result) throws IOException {
        Files.writeString(dir.resolve(name + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    private static int integer(String property, int fallback) {
        return Integer.getInteger(property, fallback);
    }

    static Path projectRoot() {
        String configured = System.getProperty("cartwheel.root");
        Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        while (dir != null && !(Files.exists(dir.resolve("template.yaml")) && Files.exists(dir.resolve("pom.xml")))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("run the bench from inside the Cartwheel checkout (template.yaml not found)");
        }
        return dir.toAbsolutePath().normalize();
    }
}
