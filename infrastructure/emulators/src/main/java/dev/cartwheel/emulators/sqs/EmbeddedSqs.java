package dev.cartwheel.emulators.sqs;

import java.net.URI;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.server.FreePorts;

/**
 * ElasticMQ in this JVM on 127.0.0.1, speaking both SQS protocols (the JSON one SDK v2 uses, and the query one).
 * Queue URLs are {@code http://127.0.0.1:<port>/<account>/<name>} and ARNs
 * {@code arn:aws:sqs:<region>:000000000000:<name>}.
 */
public final class EmbeddedSqs implements AutoCloseable {

    private final SQSRestServer server;
    private final int port;

    private EmbeddedSqs(SQSRestServer server, int port) {
        this.server = server;
        this.port = port;
    }

    /** Starts ElasticMQ on a free loopback port. */
    public static EmbeddedSqs start(String region, String accountId) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return start(region, accountId, FreePorts.next());
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw new EmulatorException("ElasticMQ did not start: " + last.getMessage(), last);
    }

    /** Starts ElasticMQ on the given loopback port (no retry on another port: the caller asked for this one). */
    public static EmbeddedSqs start(String region, String accountId, int port) {
        try {
            SQSRestServer server = SQSRestServerBuilder
                    .withInterface(FreePorts.LOOPBACK)
                    .withPort(port)
                    .withServerAddress(new NodeAddress("http", FreePorts.LOOPBACK, port, ""))
                    .withAWSRegion(region)
                    .withAWSAccountId(accountId)
                    .start();
            server.waitUntilStarted();
            return new EmbeddedSqs(server, port);
        } catch (RuntimeException e) {
            throw new EmulatorException("ElasticMQ did not start on port " + port + ": " + e.getMessage(), e);
        }
    }

    /** The URL ElasticMQ gives the queue {@code queueName} when it listens at {@code endpoint}. */
    public static String queueUrl(URI endpoint, String accountId, String queueName) {
        return endpoint + "/" + accountId + "/" + queueName;
    }

    public URI endpoint() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + port);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
