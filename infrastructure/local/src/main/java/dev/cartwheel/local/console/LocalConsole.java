package dev.cartwheel.local.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The console at {@code /_local/}: one HTML page (orders with timelines, queues with DLQ contents and a redrive button,
 * the mailbox rendered as HTML, the events on the event buses, the payment provider's webhooks, the functions) over a small JSON API under
 * {@code /_local/api/}; and the local
 * issuer's discovery documents under {@code /_local/issuer/}.
 */
public final class LocalConsole implements HttpHandler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ConsoleBackend backend;
    private final byte[] page;

    public LocalConsole(ConsoleBackend backend) {
        this.backend = backend;
        try (InputStream in = Objects.requireNonNull(LocalConsole.class.getResourceAsStream("/local-console/index.html"))) {
            this.page = in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            try {
                if (path.equals("/_local") || path.equals("/_local/")) {
                    if (path.equals("/_local")) {
                        ex.getResponseHeaders().set("Location", "/_local/");
                        send(ex, 302, "text/plain", new byte[0]);
                    } else {
                        send(ex, 200, "text/html; charset=utf-8", page);
                    }
                } else if (path.equals("/_local/api/orders")) {
                    json(ex, 200, backend.orders());
                } else if (path.equals("/_local/api/queues")) {
                    json(ex, 200, backend.queues());
                } else if (path.startsWith("/_local/api/queues/") && path.endsWith("/redrive") && method.equals("POST")) {
                    String name = path.substring("/_local/api/queues/".length(), path.length() - "/redrive".length());
                    ObjectNode out = JSON.createObjectNode();
                    out.put("queue", name);
                    out.put("moved", backend.redrive(name));
                    json(ex, 200, out);
                } else if (path.equals("/_local/api/mail")) {
                    json(ex, 200, backend.mail());
                } else if (path.equals("/_local/api/events")) {
                    json(ex, 200, backend.busEvents());
                } else if (path.equals("/_local/api/fulfilment-queue")) {
                    json(ex, 200, backend.fulfilmentQueue());
                } else if (path.equals("/_local/api/webhooks")) {
                    json(ex, 200, backend.webhooks());
                } else if (path.equals("/_local/api/functions")) {
                    json(ex, 200, backend.functions());
                } else if (path.equals("/_local/api/http-events")) {
                    json(ex, 200, backend.httpEvents());
                } else if (path.equals("/_local/issuer/.well-known/jwks.json")) {
                    json(ex, 200, backend.jwks());
                } else if (path.equals("/_local/issuer/.well-known/openid-configuration")) {
                    ObjectNode conf = JSON.createObjectNode();
                    conf.put("issuer", backend.issuer());
                    conf.put("jwks_uri", backend.issuer() + "/.well-known/jwks.json");
                    conf.putArray("id_token_signing_alg_values_supported").add("RS256");
                    conf.putArray("scopes_supported").add("orders/read").add("orders/write").add("inventory/admin");
                    json(ex, 200, conf);
                } else {
                    ObjectNode err = JSON.createObjectNode();
                    err.put("message", "Not Found");
                    json(ex, 404, err);
                }
            } catch (RuntimeException e) {
                ObjectNode err = JSON.createObjectNode();
                err.put("message", String.valueOf(e.getMessage()));
                json(ex, 500, err);
            }
        }
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, "application/json", JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }
}
