package dev.cartwheel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.nio.file.Path;

/** Cold start per function under the Runtime Interface Client: filled in with the local cloud's Lambda runtime. */
final class ColdStartBench {

    private ColdStartBench() {
    }

    static ObjectNode run(Path root, int runs, PrintStream report) {
        report.println("cold start bench: not yet implemented");
        return new ObjectMapper().createObjectNode().put("implemented", false);
    }
}
