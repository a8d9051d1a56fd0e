package dev.cartwheel.local;

import dev.cartwheel.local.api.JwtAuthority;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The executable jar as a user runs it: {@code demo} exits 0, {@code token} prints a token and nothing else. */
class DemoIT {

    static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    static final Path JAR = Path.of(System.getProperty("local.cloud.jar", "target/local-cloud.jar")).toAbsolutePath();
    static final Path HOME = Path.of("target/local-home").toAbsolutePath();

    static Process run(Path output, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(output != null);
        pb.environment().put("CARTWHEEL_LOCAL_HOME", HOME.toString());
        if (output != null) {
            pb.redirectOutput(output.toFile());
        }
        return pb.start();
    }

    @Test
    void demoPlacesItsFiveOrdersPrintsOnlyItsOwnLinesAndExitsZero() throws Exception {
        Path out = Path.of("target/demo-output.txt").toAbsolutePath();
        long t0 = System.nanoTime();
        // Correctness, not speed: a generous bound so a loaded CI machine does not fail it (the bench measures speed).
        Process p = run(out, "demo", "--port", "0", "--timeout", "240");
        boolean finished = p.waitFor(300, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (!finished) {
            p.destroyForcibly();
        }
        String printed = Files.readString(out);
        System.out.println(printed);
        System.out.printf("demo took %.1f s%n", seconds);
        assertThat(finished).as("demo finished within 300 s").isTrue();
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed).contains("Demo PASSED").contains("status CONFIRMED (expected CONFIRMED)")
                .contains("status REJECTED (expected REJECTED)").contains("status PAYMENT_FAILED (expected PAYMENT_FAILED)")
                .contains("status CANCELLED (expected CANCELLED)").contains("An admin refunded one unit")
                .contains("Your order is confirmed").contains("asynchronously authorized order").contains("webhook payment_intent.amount_capturable_updated")
                .contains("status FULFILLED (expected FULFILLED)").contains("The warehouse shipped")
                // amounts, the order abroad with its two rates, the shipping notice's address, the fulfilment queue
                .contains("subtotal 25.00 USD  shipping 5.99 USD  tax 2.24 USD  total 33.23 USD")
                .contains("ships Express to Berlin, DE").contains("tax books         7% on 29.00 USD = 2.03 USD")
                .contains("Straße des 17. Juni 135").contains("Fulfilment queue (GET /admin/orders?status=CONFIRMED");
        // a newcomer's first run: third-party banners and JVM warnings go to the log file, not the terminal
        assertThat(printed).doesNotContain("SLF4J").doesNotContain("WARNING").doesNotContain("Initializing DynamoDB Local")
                .doesNotContain("JAXB").doesNotContain("[InventoryFunction]");
        assertThat(Files.readString(logFileNamedIn(printed))).contains("Initializing DynamoDB Local");
    }

    /** The log file the run names in its first line. */
    static Path logFileNamedIn(String printed) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("function logs: (\\S+)\\)").matcher(printed);
        assertThat(m.find()).as("the first line names the log file: " + printed.lines().findFirst().orElse("")).isTrue();
        return Path.of(m.group(1));
    }

    @Test
    void tokenPrintsOnlyASignedTokenForTheTemplatesIssuerAndAudience() throws Exception {
        Process p = run(null, "token", "--sub", "alice", "--scope", "orders/read", "--email", "a@example.com");
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        assertThat(stdout.lines().toList()).hasSize(1);
        String token = stdout.trim();
        JwtAuthority authority = JwtAuthority.loadOrCreate(HOME.resolve("jwt-signing-key.pem"));
        var v = authority.verify(token, "http://127.0.0.1:3000/_local/issuer", List.of("cartwheel"), Instant.now());
        assertThat(v.error()).isNull();
        assertThat(v.claims().path("sub").asText()).isEqualTo("alice");
        assertThat(v.claims().path("email").asText()).isEqualTo("a@example.com");
        assertThat(v.scopes()).containsExactly("orders/read");
    }
}
