package dev.cartwheel.systemtests;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The handlers' standard output, kept for assertions: one JSON object per line. */
final class LogCapture {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrintStream stream() {
        return out;
    }

    List<String> lines() {
        synchronized (out) {
            out.flush();
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }
}
