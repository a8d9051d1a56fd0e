package dev.cartwheel.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;

/**
 * The local cloud the integration tests of this module share: the real template.yaml and the real function jars,
 * started once per JVM by the first test class that asks for it ({@code @ExtendWith(SharedLocalCloud.class)} and a
 * {@link LocalCloud} parameter, e.g. of {@code @BeforeAll}) and closed when the test run ends (it lives in JUnit's
 * root store, which closes what it holds). Its function output goes to {@code target/shared-local-cloud.log}.
 *
 * <p>Its configuration is the default one, with the emulators on free ports chosen up front ({@link Ports}, which
 * SamEnvVarsIT checks they listen on).
 *
 * <p>A test class that needs a differently configured cloud (other template parameters, another template) starts its
 * own and says why.
 */
public final class SharedLocalCloud implements ParameterResolver {

    static final Path ROOT = Path.of(System.getProperty("cartwheel.root", "../..")).toAbsolutePath().normalize();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLocalCloud.class);

    /** The ports the shared cloud's emulators were asked to listen on. */
    public record Ports(int dynamoDb, int sqs, int ses, int eventBridge, int secretsManager) {
    }

    /** The started cloud, what it was asked for, and its log; closing it stops the cloud and writes the log. */
    private record Shared(LocalCloud cloud, Ports ports, List<String> logs) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            cloud.close();
            Files.write(Path.of("target/shared-local-cloud.log"), logs);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == LocalCloud.class || type == Ports.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Shared shared = once(context, Shared.class, SharedLocalCloud::start);
        return parameter.getParameter().getType() == Ports.class ? shared.ports() : shared.cloud();
    }

    /**
     * The {@code type} this JVM's test run started, or a new one from {@code start}, kept in JUnit's root store (which
     * closes it when the run ends).
     */
    static <T extends AutoCloseable> T once(ExtensionContext context, Class<T> type, java.util.function.Supplier<T> start) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent(type, key -> start.get(), type);
    }

    private static Shared start() {
        try {
            Ports ports = new Ports(freePort(), freePort(), freePort(), freePort(), freePort());
            List<String> logs = new CopyOnWriteArrayList<>();
            LocalCloud cloud = LocalCloud.start(LocalCloudConfig.defaults(ROOT.resolve("template.yaml")).withPort(0)
                    .withFunctionLog(logs::add)
                    .withEmulatorPorts(ports.dynamoDb(), ports.sqs(), ports.ses(), ports.eventBridge(), ports.secretsManager()));
            return new Shared(cloud, ports, logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Waits until every queue an event source mapping consumes is empty, with no message in flight or delayed: the
     * positive evidence that everything sent so far has been handled (and so that a duplicate, had there been one,
     * would have been handled too). Dead-letter queues are not consumed and do not count. A message a function
     * failed waits out its queue's visibility timeout (120 s in template.yaml) before it is retried, hence the bound.
     */
    static void awaitQueuesDrained(LocalCloud cloud) {
        List<String> consumed = cloud.mappings().stream().map(m -> m.mapping().queueUrl()).distinct().toList();
        await("every consumed queue empty, nothing in flight").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> consumed.stream().allMatch(url -> drained(cloud, url)));
    }

    static boolean drained(LocalCloud cloud, String queueUrl) {
        List<QueueAttributeName> counts = List.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED);
        Map<QueueAttributeName, String> a = cloud.sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(counts))
                .attributes();
        return counts.stream().allMatch(name -> "0".equals(a.getOrDefault(name, "0")));
    }
}
