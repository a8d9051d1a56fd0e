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
 *
 * <p>It runs on the developer's machine and can redrive queues, so it answers only requests meant for it
 * ({@link #allowed}): the {@code Host} must be {@code 127.0.0.1}, {@code localhost} or {@code [::1]} (with any port),
 * which defeats DNS rebinding (a page of evil.example whose name now points at 127.0.0.1 still sends
 * {@code Host: evil.example}); and a state-changing request (anything but GET/HEAD) coming from a browser must be
 * same-origin: its {@code Origin}, when sent, must be this console's own origin, and its {@code Sec-Fetch-Site}, when
 * sent, must be {@code same-origin}. A request without either header is not a browser's cross-site request (curl,
 * the CLI) and is served. Refusals are 403 problem+json.
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

    /** Why a request is refused, or empty when the console may serve it. */
    static java.util.Optional<String> allowed(String method, String host, String origin, String secFetchSite) {
        if (host == null || !isLoopbackAuthority(host)) {
            return java.util.Optional.of("the console answers only Host 127.0.0.1 or localhost, not " + host);
        }
        boolean safe = method.equalsIgnoreCase("GET") || method.equalsIgnoreCase("HEAD");
        if (safe) {
            return java.util.Optional.empty();
        }
        if (origin != null) {
            java.net.URI o;
            try {
                o = java.net.URI.create(origin.strip());
            } catch (IllegalArgumentException e) {
                return java.util.Optional.of("cross-origin " + method + " refused (Origin " + origin + ")");
            }
            String authority = o.getRawAuthority();
            if (!"http".equalsIgnoreCase(o.getScheme()) || authority == null
                    || !authority.equalsIgnoreCase(host.strip()) || !isLoopbackAuthority(authority)) {
                return java.util.Optional.of("cross-origin " + method + " refused (Origin " + origin + ")");
            }
        }
        if (secFetchSite != null && !secFetchSite.strip().equalsIgnoreCase("same-origin")) {
            return java.util.Optional.of("cross-origin " + method + " refused (Sec-Fetch-Site " + secFetchSite + ")");
        }
        return java.util.Optional.empty();
    }

    /** {@code 127.0.0.1}, {@code localhost} or {@code [::1]}, each with an optional port. */
    static boolean isLoopbackAuthority(String authority) {
        String a = authority.strip().toLowerCase(java.util.Locale.ROOT);
        String hostPart;
        String port = null;
        if (a.startsWith("[")) {
            int close = a.indexOf(']');
            if (close < 0) {
                return false;
            }
            hostPart = a.substring(0, close + 1);
            String rest = a.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return false;
                }
                port = rest.substring(1);
            }
        } else {
            int colon = a.indexOf(':');
            hostPart = colon < 0 ? a : a.substring(0, colon);
            port = colon < 0 ? null : a.substring(colon + 1);
        }
        if (port != null && !port.matches("[0-9]{1,5}")) {
            return false;
        }
        return hostPart.equals("127.0.0.1") || hostPart.equals("localhost") || hostPart.equals("[::1]");
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            java.util.Optional<String> refusal = allowed(method, ex.getRequestHeaders().getFirst("Host"),
                    ex.getRequestHeaders().getFirst("Origin"), ex.getRequestHeaders().getFirst("Sec-Fetch-Site"));
            if (refusal.isPresent()) {
                ObjectNode problem = JSON.createObjectNode();
                problem.put("type", "https://cartwheel.dev/problems/forbidden");
                problem.put("title", "Forbidden");
                problem.put("status", 403);
                problem.put("detail", refusal.get());
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                send(ex, 403, "application/problem+json", JSON.writeValueAsBytes(problem));
                return;
            }
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
                } else if (path.startsWith("/_local/api/orders/") && path.endsWith("/authenticate") && method.equals("POST")) {
                    String orderId = path.substring("/_local/api/orders/".length(), path.length() - "/authenticate".length());
                    String query = ex.getRequestURI().getRawQuery();
                    boolean succeed = !"outcome=fail".equals(query);
                    try {
                        json(ex, 200, backend.authenticate(orderId, succeed));
                    } catch (IllegalStateException e) {
                        ObjectNode err = JSON.createObjectNode();
                        err.put("message", e.getMessage());
                        json(ex, 409, err);
                    }
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
