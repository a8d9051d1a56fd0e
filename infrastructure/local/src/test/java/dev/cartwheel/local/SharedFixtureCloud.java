package dev.cartwheel.local;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The local cloud of the event source mapping tests (EventSourceMappingIT, StreamEventSourceMappingIT): the test
 * template {@code fixture-template.yaml}, whose two test functions (under the real runtime client) write each delivery
 * they get to a log file of their own. Started once per JVM like {@link SharedLocalCloud}, and apart from it because
 * its template is not template.yaml. Its function output goes to {@code target/fixture-local-cloud.log}.
 */
public final class SharedFixtureCloud implements ParameterResolver {

    /** The started cloud and the files its functions log their deliveries to. */
    public record Fixture(LocalCloud cloud, Path queueLog, Path streamLog, List<String> logs) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            cloud.close();
            Files.write(Path.of("target/fixture-local-cloud.log"), logs);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Fixture.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return SharedLocalCloud.once(context, Fixture.class, SharedFixtureCloud::start);
    }

    private static Fixture start() {
        try {
            Path queueLog = Files.createTempFile("queue-fixture", ".log");
            Path streamLog = Files.createTempFile("stream-fixture", ".log");
            List<String> logs = new CopyOnWriteArrayList<>();
            Path template = Path.of("target/test-classes/fixture-template.yaml").toAbsolutePath();
            LocalCloud cloud = LocalCloud.start(LocalCloudConfig.defaults(template).withPort(0).withFunctionLog(logs::add)
                    .withParameterOverrides(Map.of("QueueFixtureLog", queueLog.toString(), "StreamFixtureLog", streamLog.toString())));
            return new Fixture(cloud, queueLog, streamLog, logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
