package dev.cartwheel.emulators.dynamodb;

import java.lang.reflect.Field;
import java.net.URI;

import org.eclipse.jetty.server.AbstractNetworkConnector;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.server.FreePorts;

/**
 * DynamoDB Local, in this JVM, in memory, listening on 127.0.0.1 only (its command line has no host option, so the
 * Jetty connector is bound to the loopback address before start). {@code -sharedDb}: every client sees the same
 * tables whatever its credentials and region (a handler under test may sign differently from the test).
 *
 * <p>The sqlite4java native library: DynamoDB Local 2.x carries the natives of every supported OS/arch inside its own
 * jar ({@code com/amazonaws/services/dynamodbv2/local/shared/access/sqlite/native/...}) and its
 * {@code SQLiteLibraryLoader} extracts the right one to a temporary file at start-up, so nothing needs
 * {@code sqlite4java.library.path} or {@code -Djava.library.path}, from Maven or from a fat/thin jar alike.
 */
public final class EmbeddedDynamoDb implements AutoCloseable {

    private final DynamoDBProxyServer server;
    private final int port;

    private EmbeddedDynamoDb(DynamoDBProxyServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts DynamoDB Local on a free loopback port. */
    public static EmbeddedDynamoDb start() {
        EmulatorException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            int port = FreePorts.next();
            try {
                return start(port);
            } catch (EmulatorException e) {
                last = e;
            }
        }
        throw last;
    }

    public static EmbeddedDynamoDb start(int port) {
        DynamoDBProxyServer server;
        try {
            server = ServerRunner.createServerFromCommandLineArgs(
                    new String[] {"-inMemory", "-sharedDb", "-port", Integer.toString(port), "-disableTelemetry"});
            bindToLoopback(server);
            server.start();
        } catch (Exception e) {
            throw new EmulatorException("DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
        }
        return new EmbeddedDynamoDb(server, port);
    }

    private static void bindToLoopback(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof AbstractNetworkConnector network) {
                network.setHost(FreePorts.LOOPBACK);
            }
        }
    }

    public URI endpoint() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new EmulatorException("DynamoDB Local did not stop: " + e.getMessage(), e);
        }
    }
}
