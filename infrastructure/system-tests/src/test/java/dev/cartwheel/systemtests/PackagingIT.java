package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The deployable jars carry what their function calls and nothing else; prints their sizes. */
class PackagingIT {

    private static final List<String> NEVER = List.of(
            "org/apache/http/", "org/apache/hc/", "io/netty/", "software/amazon/awssdk/http/apache",
            "software/amazon/awssdk/http/nio/", "dev/cartwheel/emulators/", "dev/cartwheel/testing/",
            "dev/cartwheel/local/", "dev/cartwheel/systemtests/", "org/junit/", "org/assertj/",
            "com/amazonaws/services/dynamodbv2/local/", "org/elasticmq/", "org/testcontainers/");
    private static final Set<String> SERVICES = Set.of("dynamodb", "sqs", "sesv2");

    static Stream<Arguments> functions() {
        return Stream.of(
                Arguments.of("checkout", Set.of("dynamodb", "sqs"), "dev/cartwheel/checkout/CheckoutHandler.class"),
                Arguments.of("admin", Set.of("dynamodb", "sqs"), "dev/cartwheel/admin/AdminHandler.class"),
                Arguments.of("inventory", Set.of("dynamodb", "sqs"), "dev/cartwheel/inventory/InventoryHandler.class"),
                Arguments.of("payment", Set.of("dynamodb", "sqs"), "dev/cartwheel/payment/PaymentHandler.class"),
                Arguments.of("email", Set.of("dynamodb", "sesv2"), "dev/cartwheel/email/EmailHandler.class"),
                Arguments.of("reconciler", Set.of("dynamodb", "sqs"), "dev/cartwheel/reconciler/ReconcilerHandler.class"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("functions")
    void jar_holdsItsHandlerAndOnlyTheServicesItCalls(String function, Set<String> services, String handler) throws IOException {
        Path jar = Root.path("functions", function, "target", function + ".jar");
        assertThat(jar).as("run mvn package first").exists();
        System.out.printf("jar size %-10s %,d bytes%n", function, Files.size(jar));
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(ZipEntry::getName).toList();
            assertThat(entries).contains(handler);
            assertThat(entries).filteredOn(name -> NEVER.stream().anyMatch(name::startsWith)).isEmpty();
            for (String service : SERVICES) {
                boolean present = entries.stream().anyMatch(name -> name.startsWith("software/amazon/awssdk/services/" + service + "/"));
                assertThat(present).as("%s carries the %s client", function, service).isEqualTo(services.contains(service));
            }
            assertThat(entries).as("the one HTTP client").anyMatch(name -> name.startsWith("software/amazon/awssdk/http/urlconnection/"));
        }
    }
}
