package dev.cartwheel.emulators.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * The plumbing of an emulated AWS service that speaks the JSON 1.1 protocol as the SDK v2 clients do: an
 * {@link HttpServer} on 127.0.0.1, {@code POST /} with {@code X-Amz-Target: <prefix>.<Operation>} and an
 * {@code application/x-amz-json-1.1} body dispatched to the operation a subclass {@linkplain #operation registered},
 * and errors answered as AWS answers them: the HTTP status, an {@code x-amzn-ErrorType} header and
 * {@code {"__type": ..., "message": ...}}, which the SDK maps to the service's modelled exception by {@code __type}.
 *
 * <p>A subclass registers its operations in its constructor, throws {@link ServiceException} for a service error and
 * may serve extra paths (e.g. a capture API) by overriding {@link #handleOther}. Its static factory calls
 * {@link #serve()} once constructed.
 */
public abstract class AwsJsonServer implements AutoCloseable {

    /** The content type of JSON 1.1 requests and responses. */
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    protected static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String serviceName;
    private final String targetPrefix;
    private final Map<String, Function<JsonNode, JsonNode>> operations = new LinkedHashMap<>();

    /**
     * Binds 127.0.0.1:{@code port} (0: any free port); nothing is served before {@link #serve()}.
     *
     * @param serviceName  for thread names and messages, e.g. "EventBridge capture server"
     * @param targetPrefix the X-Amz-Target prefix without the dot, e.g. {@code AWSEvents}
     */
    protected AwsJsonServer(String serviceName, String targetPrefix, int port) {
        this.serviceName = serviceName;
        this.targetPrefix = targetPrefix + ".";
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(FreePorts.LOOPBACK), port), 64);
        } catch (IOException e) {
            throw new EmulatorException(serviceName + " did not start: " + e.getMessage(), e);
        }
        String threadName = serviceName.toLowerCase(java.util.Locale.ROOT).replace(' ', '-');
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Registers the handler of {@code X-Amz-Target: <prefix>.<name>}; it returns the response body. */
    protected final void operation(String name, Function<JsonNode, JsonNode> handler) {
        operations.put(name, handler);
    }

    /** Starts answering requests (called by the subclass's factory once it is fully constructed). */
    protected final void serve() {
        server.start();
    }

    public final URI endpoint() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + server.getAddress().getPort());
    }

    public final int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Serves a request that is not a JSON 1.1 call ({@code POST /}); answers it and returns true, or returns false
     * for a 404. The default serves nothing else.
     */
    protected boolean handleOther(HttpExchange exchange, String method, String path) throws IOException {
        return false;
    }

    /** The {@code __type} of an unexpected failure (the service's own internal error code). */
    protected String internalErrorType() {
        return "InternalFailure";
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            try {
                if (method.equals("POST") && (path.equals("/") || path.isEmpty())) {
                    call(exchange);
                } else if (!handleOther(exchange, method, path)) {
                    error(exchange, 404, "UnknownOperationException", "the " + serviceName + " has no " + method + " " + path);
                }
            } catch (ServiceException e) {
                error(exchange, e.status(), e.type(), e.getMessage());
            } catch (RuntimeException e) {
                error(exchange, 500, internalErrorType(), String.valueOf(e));
            }
        }
    }

    private void call(HttpExchange exchange) throws IOException {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target == null || !target.startsWith(targetPrefix)) {
            throw new ServiceException(400, "UnknownOperationException",
                    "X-Amz-Target must be " + targetPrefix + "<Operation>, got " + target);
        }
        Function<JsonNode, JsonNode> operation = operations.get(target.substring(targetPrefix.length()));
        if (operation == null) {
            throw new ServiceException(400, "UnknownOperationException", "the " + serviceName + " does not implement "
                    + target + " (it implements " + operations.keySet() + ")");
        }
        JsonNode request = body(exchange);
        respond(exchange, 200, CONTENT_TYPE, operation.apply(request));
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                JsonNode node = JSON.readTree(bytes);
                if (node == null || !node.isObject()) {
                    throw new ServiceException(400, "SerializationException", "the request body is not a JSON object");
                }
                return node;
            } catch (IOException e) {
                throw new ServiceException(400, "SerializationException", "the request body is not JSON: " + e.getMessage());
            }
        }
    }

    protected static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        respond(exchange, status, CONTENT_TYPE, body);
    }

    protected static void respond(HttpExchange exchange, int status, String contentType, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    /** A text field, or {@code null} when absent or JSON null. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    /** A timestamp as the JSON protocols send it: epoch seconds with milliseconds. */
    protected static BigDecimal epochSeconds(Instant instant) {
        return BigDecimal.valueOf(instant.toEpochMilli()).movePointLeft(3);
    }

    /** {@code ValidationException} (400), the JSON protocols' generic validation error. */
    protected static ServiceException validation(String message) {
        return ServiceException.validation(message);
    }
}
