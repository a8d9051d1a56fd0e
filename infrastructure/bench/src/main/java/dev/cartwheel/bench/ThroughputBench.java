package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;

/** Pipeline throughput through the local cloud. */
final class ThroughputBench {

    private ThroughputBench() {
    }

    static ObjectNode run(Path root, int orders, int concurrency, PrintStream report) {
        report.println("throughput bench: not yet implemented");
        return new ObjectMapper().createObjectNode().put("implemented", false);
    }
}
