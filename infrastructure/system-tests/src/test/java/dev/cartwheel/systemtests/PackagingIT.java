package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every deployable jar, found from template.yaml's {@code CodeUri} (a jar added to the template is covered without a
 * change here): at most {@link #BUDGET_BYTES} (a dependency that grows a jar fails the build with the jar's name and
 * size), its handlers inside, none of what a function must never carry, the URL-connection HTTP client, and for the
 * jars known here exactly the SDK service clients the function calls; and every Cartwheel class a class of the jar
 * references is in the jar too (ProGuard runs with {@code -dontwarn}, so a class the shade left out would otherwise
 * fail only at run time, with a {@code NoClassDefFoundError} on Lambda). Prints the sizes.
 */
class PackagingIT {

    /** docs/performance.md: every function jar at most 8 MiB. */
    static final long BUDGET_BYTES = 8L * 1024 * 1024;

    private static final List<String> NEVER = List.of(
            "org/apache/http/", "org/apache/hc/", "io/netty/", "software/amazon/awssdk/http/apache",
            "software/amazon/awssdk/http/nio/", "dev/cartwheel/emulators/", "dev/cartwheel/testing/", "dev/cartwheel/core/testing/",
            "dev/cartwheel/local/", "dev/cartwheel/systemtests/", "dev/cartwheel/bench/", "org/junit/", "org/assertj/",
            "com/amazonaws/services/dynamodbv2/local/", "org/elasticmq/", "org/testcontainers/");
    private static final Set<String> SERVICES = Set.of("dynamodb", "sqs", "sesv2", "eventbridge", "secretsmanager");
    /** The SDK service clients each known jar calls; a jar not listed here is checked for everything else. */
    private static final Map<String, Set<String>> CLIENTS = Map.of(
            "checkout", Set.of("dynamodb", "sqs"),
            "inventory", Set.of("dynamodb", "sqs"),
            "payment", Set.of("dynamodb", "sqs"),
            "email", Set.of("dynamodb", "sesv2"),
            "reconciler", Set.of("dynamodb", "sqs"),
            "payment-webhook", Set.of("dynamodb", "sqs", "secretsmanager"),
            "order-events", Set.of("dynamodb", "eventbridge"));

    /** Each distinct CodeUri of the template with the handler classes that run from it. */
    static Stream<Arguments> jars() {
        Map<String, Set<String>> handlers = new TreeMap<>();
        for (ServerlessFunction f : SamTemplate.load(Root.path("template.yaml")).functions().values()) {
            if (f.codeUri() != null && f.codeUri().endsWith(".jar")) {
                handlers.computeIfAbsent(f.codeUri(), k -> new TreeSet<>())
                        .add(f.handler().split("::")[0].replace('.', '/') + ".class");
            }
        }
        assertThat(handlers).as("function jars in template.yaml").hasSizeGreaterThanOrEqualTo(7);
        return handlers.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jars")
    void jar_withinBudget_holdsItsHandlersAndOnlyWhatItCalls(String codeUri, Set<String> handlers) throws IOException {
        Path jar = Root.path(codeUri);
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        assertThat(jar).as("run mvn package first").exists();
        long size = Files.size(jar);
        System.out.printf("jar size %-16s %,11d bytes (%.2f MiB)%n", name, size, size / 1048576.0);
        assertThat(size).as("%s is %,d bytes (%.2f MiB), over its budget of 8 MiB (%,d bytes)", jar.getFileName(), size,
                size / 1048576.0, BUDGET_BYTES).isLessThanOrEqualTo(BUDGET_BYTES);
        try (JarFile file = new JarFile(jar.toFile())) {
            List<String> entries = file.stream().map(ZipEntry::getName).toList();
            assertThat(entries).containsAll(handlers);
            assertThat(entries).filteredOn(entry -> NEVER.stream().anyMatch(entry::startsWith)).isEmpty();
            Set<String> clients = CLIENTS.get(name);
            if (clients != null) {
                for (String service : SERVICES) {
                    boolean present = entries.stream().anyMatch(entry -> entry.startsWith("software/amazon/awssdk/services/" + service + "/"));
                    assertThat(present).as("%s carries the %s client", name, service).isEqualTo(clients.contains(service));
                }
            }
            assertThat(entries).as("the one HTTP client").anyMatch(entry -> entry.startsWith("software/amazon/awssdk/http/urlconnection/"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jars")
    void jar_holdsEveryCartwheelClassItsClassesReference(String codeUri, Set<String> handlers) throws IOException {
        Path jar = Root.path(codeUri);
        assertThat(jar).as("run mvn package first").exists();
        try (JarFile file = new JarFile(jar.toFile())) {
            Set<String> present = new TreeSet<>();
            file.stream().map(ZipEntry::getName).filter(name -> name.endsWith(".class"))
                    .forEach(name -> present.add(name.substring(0, name.length() - ".class".length())));
            List<String> missing = new java.util.ArrayList<>();
            int cartwheelClasses = 0;
            for (ZipEntry entry : file.stream().filter(PackagingIT::isClass).toList()) {
                byte[] bytes;
                try (var in = file.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                String referrer = entry.getName().substring(0, entry.getName().length() - ".class".length());
                cartwheelClasses += referrer.startsWith("dev/cartwheel/") ? 1 : 0;
                for (String referenced : ClassReferences.of(bytes)) {
                    if (referenced.startsWith("dev/cartwheel/") && !present.contains(referenced)) {
                        missing.add(referrer + " -> " + referenced);
                    }
                }
            }
            assertThat(cartwheelClasses).as("%s holds Cartwheel classes to check", jar.getFileName()).isGreaterThan(0);
            assertThat(missing).as("Cartwheel classes referenced from %s but not in it", jar.getFileName()).isEmpty();
        }
    }

    private static boolean isClass(ZipEntry entry) {
        String name = entry.getName();
        return name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class");
    }
}
