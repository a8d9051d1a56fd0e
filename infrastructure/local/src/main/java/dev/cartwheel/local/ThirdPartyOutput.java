package dev.cartwheel.local;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * Keeps what the embedded emulators' libraries print (DynamoDB Local's banner, SLF4J's no-binder notices, the AWS
 * SDK v1's JAXB warning through java.util.logging) out of the terminal: it goes to the run's log file, and also to the
 * terminal with {@code -v}. The JVM's own warnings (sun.misc.Unsafe, native access) are switched off by the
 * {@code Launcher}'s flags, since the JVM writes them past {@code System.err}.
 */
final class ThirdPartyOutput {

    private ThirdPartyOutput() {
    }

    /** Runs {@code start} with System.out and System.err sent to {@code log} (and echoed if {@code verbose}). */
    static <T> T intoLog(Path log, boolean verbose, Callable<T> start) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream logStream = open(log, verbose ? out : null);
        routeJavaUtilLogging(logStream);
        System.setOut(logStream);
        System.setErr(logStream);
        try {
            return start.call();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static PrintStream open(Path log, PrintStream echo) {
        try {
            Files.createDirectories(log.getParent());
            OutputStream file = new FileOutputStream(log.toFile(), true);
            OutputStream target = echo == null ? file : new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    file.write(b);
                    echo.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    file.write(b, off, len);
                    echo.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    file.flush();
                    echo.flush();
                }
            };
            return new PrintStream(target, true, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** java.util.logging's console handler writes to the System.err it saw first: point every record at the log instead. */
    private static void routeJavaUtilLogging(PrintStream logStream) {
        Logger root = LogManager.getLogManager().getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StreamHandler handler = new StreamHandler(logStream, new SimpleFormatter()) {
            @Override
            public synchronized void publish(java.util.logging.LogRecord record) {
                super.publish(record);
                flush();
            }
        };
        handler.setLevel(Level.ALL);
        root.addHandler(handler);
    }
}
