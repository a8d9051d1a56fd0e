package dev.cartwheel.local.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cartwheel.local.lambda.InvocationResult;
import dev.cartwheel.local.lambda.LambdaService;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The local API Gateway HTTP API: routes from the template's HttpApi events, the JWT authorizer enforced before the
 * function runs (401 / 403 as API Gateway answers them), the payload-format-2.0 event built as API Gateway builds it,
 * and the function's response mapped back. The stage's route throttles ({@link RouteThrottles}) come first: a request
 * beyond its route's bucket is answered 429 with {@code Retry-After} and reaches neither the authorizer nor the
 * function. Serves on 127.0.0.1 only; {@code /_local/} goes to the console handler. The events it keeps for the
 * console carry no credential: their {@code authorization} header is redacted.
 *
 * <p>Over 400 lines because the request's path through API Gateway (throttle, route, authorizer, event, response
 * mapping) reads best in one place; routing and throttling are already {@link RouteMatcher}'s and {@link RouteThrottles}'.
 */
public final class HttpApiGateway implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HttpApiSpec api;
    private final RouteMatcher matcher;
    private final LambdaService lambda;
    private final JwtAuthority authority;
    private final String accountId;
    private final HttpServer server;
    private final Deque<ObjectNode> recentEvents = new ArrayDeque<>();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final Consumer<String> accessLog;
    private final RouteThrottles throttles;
    /** What the recorded events show instead of a credential. */
    public static final String REDACTED = "[redacted]";

    public HttpApiGateway(HttpApiSpec api, LambdaService lambda, JwtAuthority authority, String accountId, int port,
                          HttpHandler localHandler, Consumer<String> accessLog) throws IOException {
        this(api, lambda, authority, accountId, port, localHandler, accessLog, RouteThrottles.none());
    }

    public HttpApiGateway(HttpApiSpec api, LambdaService lambda, JwtAuthority authority, String accountId, int port,
                          HttpHandler localHandler, Consumer<String> accessLog, RouteThrottles throttles) throws IOException {
        this.throttles = throttles;
        this.api = api;
        this.matcher = new RouteMatcher(api.routes());
        this.lambda = lambda;
        this.authority = authority;
        this.accountId = accountId;
        this.accessLog = accessLog;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        if (localHandler != null) {
            server.createContext("/_local", localHandler);
        }
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public HttpApiSpec api() {
        return api;
    }

    /** The last events handed to functions (newest first), for the console and fidelity tests. */
    public synchronized List<ObjectNode> recentEvents() {
        return List.copyOf(recentEvents);
    }

    /** Requests refused by the authorizer (401/403) without invoking a function. */
    public long rejectedCount() {
        return rejected.get();
    }

    /** Requests refused by a route throttle (429) without invoking a function. */
    public long throttledCount() {
        return throttled.get();
    }

    public RouteThrottles throttles() {
        return throttles;
    }

    private synchronized void remember(ObjectNode event) {
        // what the console shows must not hand out the callers' bearer tokens (nor any other credential header)
        if (event.get("headers") instanceof ObjectNode h) {
            List<String> credentials = new ArrayList<>(List.of("authorization", "proxy-authorization"));
            api.authorizers().values().forEach(a -> credentials.add(a.headerName()));
            credentials.forEach(name -> {
                if (h.has(name)) {
                    h.put(name, REDACTED);
                }
            });
        }
        recentEvents.addFirst(event);
        while (recentEvents.size() > 50) {
            recentEvents.removeLast();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            long start = System.nanoTime();
            int status = serve(ex);
            accessLog.accept(String.format(Locale.ROOT, "%s %s -> %d (%.1f ms)", ex.getRequestMethod(),
                    ex.getRequestURI().getRawPath(), status, (System.nanoTime() - start) / 1e6));
        } catch (RuntimeException e) {
            accessLog.accept("gateway error: " + e);
            throw e;
        }
    }

    private int serve(HttpExchange ex) throws IOException {
        String requestId = apiGatewayRequestId();
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = ex.getRequestURI().getRawPath();
        String decodedPath = URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8);
        Optional<RouteMatcher.Match> match = matcher.match(method, decodedPath);
        if (match.isEmpty()) {
            return message(ex, requestId, 404, "Not Found", null);
        }
        HttpApiSpec.Route route = match.get().route();

        // ---- the stage's throttle of this route, before the authorizer and the function
        RouteThrottles.Decision admission = throttles.acquire(route.route().routeKey());
        if (!admission.allowed()) {
            throttled.incrementAndGet();
            return tooManyRequests(ex, requestId, route.route().routeKey(), admission.retryAfterSeconds());
        }
        Map<String, String> headers = headers(ex);

        // ---- the JWT authorizer, before anything runs
        String authorizerName = route.route().authorizer() == null ? api.defaultAuthorizer() : route.route().authorizer();
        ObjectNode authorizerContext = null;
        if (authorizerName != null && !authorizerName.equals("NONE")) {
            HttpApiSpec.JwtAuthorizer authorizer = api.authorizers().get(authorizerName);
            if (authorizer == null) {
                return message(ex, requestId, 500, "Internal Server Error", null);
            }
            JwtAuthority.Verification v = authority.verify(headers.get(authorizer.headerName()), authorizer.issuer(),
                    authorizer.audiences(), Instant.now());
            if (!v.valid()) {
                rejected.incrementAndGet();
                return message(ex, requestId, 401, "Unauthorized",
                        "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + v.error() + "\"");
            }
            List<String> required = route.route().scopes();
            List<String> held = v.scopes();
            if (!required.isEmpty() && required.stream().noneMatch(held::contains)) {
                rejected.incrementAndGet();
                return message(ex, requestId, 403, "Forbidden",
                        "Bearer scope=\"" + String.join(" ", required) + "\" error=\"insufficient_scope\" error_description=\"not authorized\"");
            }
            authorizerContext = JSON.createObjectNode();
            ObjectNode jwt = authorizerContext.putObject("jwt");
            ObjectNode claims = jwt.putObject("claims");
            v.claims().properties().forEach(e -> claims.put(e.getKey(), claimString(e.getValue())));
            if (required.isEmpty()) {
                jwt.putNull("scopes");
            } else {
                ArrayNode scopes = jwt.putArray("scopes");
                held.forEach(scopes::add);
            }
        }

        byte[] body = ex.getRequestBody().readAllBytes();
        ObjectNode event = buildEvent(ex, requestId, route, match.get().pathParameters(), headers, body, authorizerContext);
        remember(event.deepCopy());
        InvocationResult result = lambda.invoke(route.functionName(), JSON.writeValueAsBytes(event));
        if (!result.ok()) {
            return message(ex, requestId, result.status() == InvocationResult.Status.TIMEOUT ? 503 : 500,
                    result.status() == InvocationResult.Status.TIMEOUT ? "Service Unavailable" : "Internal Server Error", null);
        }
        return respond(ex, requestId, result.payload());
    }

    private static Map<String, String> headers(HttpExchange ex) {
        Map<String, String> out = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, values) -> out.put(k.toLowerCase(Locale.ROOT), String.join(",", values)));
        return out;
    }

    /** API Gateway turns every claim into a string (numbers, booleans; arrays as "[a b]"). */
    static String claimString(JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(e -> parts.add(claimString(e)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (v.isObject()) {
            List<String> parts = new ArrayList<>();
            v.properties().forEach(e -> parts.add(e.getKey() + ":" + claimString(e.getValue())));
            return "map[" + String.join(" ", parts) + "]";
        }
        return v.asText();
    }

    ObjectNode buildEvent(HttpExchange ex, String requestId, HttpApiSpec.Route route, Map<String, String> pathParameters,
                          Map<String, String> requestHeaders, byte[] body, ObjectNode authorizer) {
        Map<String, String> headers = new TreeMap<>(requestHeaders);
        String sourceIp = ex.getRemoteAddress().getAddress().getHostAddress();
        String cookieHeader = headers.remove("cookie");
        headers.merge("x-forwarded-for", sourceIp, (a, b) -> a + ", " + b);
        headers.put("x-forwarded-port", Integer.toString(port()));
        headers.put("x-forwarded-proto", "http");
        headers.put("x-amzn-trace-id", "Root=1-" + Long.toHexString(System.currentTimeMillis() / 1000) + "-"
                + HexFormat.of().formatHex(randomBytes(12)));
        if (body.length > 0) {
            headers.put("content-length", Integer.toString(body.length));
        }
        Instant now = Instant.now();
        String rawPath = ex.getRequestURI().getRawPath();
        String rawQuery = ex.getRequestURI().getRawQuery();
        String host = headers.getOrDefault("host", "127.0.0.1:" + port());

        ObjectNode e = JSON.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", route.route().routeKey());
        e.put("rawPath", rawPath);
        e.put("rawQueryString", rawQuery == null ? "" : rawQuery);
        if (cookieHeader != null && !cookieHeader.isBlank()) {
            ArrayNode cookies = e.putArray("cookies");
            for (String c : cookieHeader.split(";")) {
                if (!c.isBlank()) {
                    cookies.add(c.trim());
                }
            }
        }
        ObjectNode h = e.putObject("headers");
        headers.forEach(h::put);
        Map<String, String> query = queryParameters(rawQuery);
        if (!query.isEmpty()) {
            ObjectNode q = e.putObject("queryStringParameters");
            query.forEach(q::put);
        }
        ObjectNode rc = e.putObject("requestContext");
        rc.put("accountId", accountId);
        rc.put("apiId", api.apiId());
        if (authorizer != null) {
            rc.set("authorizer", authorizer);
        }
        rc.put("domainName", host);
        rc.put("domainPrefix", host.split("[.:]")[0]);
        ObjectNode http = rc.putObject("http");
        http.put("method", ex.getRequestMethod().toUpperCase(Locale.ROOT));
        http.put("path", rawPath);
        http.put("protocol", ex.getProtocol());
        http.put("sourceIp", sourceIp);
        http.put("userAgent", headers.getOrDefault("user-agent", ""));
        rc.put("requestId", requestId);
        rc.put("routeKey", route.route().routeKey());
        rc.put("stage", "$default");
        rc.put("time", REQUEST_TIME.format(now));
        rc.put("timeEpoch", now.toEpochMilli());
        if (body.length > 0) {
            boolean text = isText(headers.get("content-type"));
            e.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            if (!pathParameters.isEmpty()) {
                ObjectNode p = e.putObject("pathParameters");
                pathParameters.forEach(p::put);
            }
            e.put("isBase64Encoded", !text);
        } else {
            if (!pathParameters.isEmpty()) {
                ObjectNode p = e.putObject("pathParameters");
                pathParameters.forEach(p::put);
            }
            e.put("isBase64Encoded", false);
        }
        return e;
    }

    /** Bodies API Gateway passes as text; anything else arrives base64-encoded with isBase64Encoded true. */
    static boolean isText(String contentType) {
        if (contentType == null) {
            return false;
        }
        String ct = contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        return ct.startsWith("text/") || ct.equals("application/json") || ct.endsWith("+json") || ct.equals("application/xml")
                || ct.endsWith("+xml") || ct.equals("application/javascript") || ct.equals("application/ecmascript");
    }

    static Map<String, String> queryParameters(String rawQuery) {
        Map<String, String> out = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.merge(k, v, (a, b) -> a + "," + b);
        }
        return out;
    }

    /** Maps a payload-format-2.0 response back to HTTP as API Gateway does. */
    private int respond(HttpExchange ex, String requestId, byte[] payload) throws IOException {
        JsonNode out;
        try {
            out = JSON.readTree(payload);
        } catch (IOException e) {
            out = null;
        }
        var h = ex.getResponseHeaders();
        h.set("apigw-requestid", requestId);
        h.set("Date", DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.now().atZone(ZoneOffset.UTC)));
        if (out == null || !out.isObject() || !out.has("statusCode")) {
            // no statusCode: API Gateway assumes 200, application/json, and the output as the body
            byte[] b = out != null && out.isTextual() ? out.asText().getBytes(StandardCharsets.UTF_8) : payload;
            h.set("Content-Type", "application/json");
            return write(ex, 200, b);
        }
        int status = out.path("statusCode").asInt(500);
        JsonNode headers = out.get("headers");
        if (headers != null && headers.isObject()) {
            headers.properties().forEach(e -> h.set(e.getKey(), e.getValue().asText()));
        }
        JsonNode multi = out.get("multiValueHeaders");
        if (multi != null && multi.isObject()) {
            multi.properties().forEach(e -> e.getValue().forEach(v -> h.add(e.getKey(), v.asText())));
        }
        JsonNode cookies = out.get("cookies");
        if (cookies != null && cookies.isArray()) {
            cookies.forEach(c -> h.add("Set-Cookie", c.asText()));
        }
        JsonNode bodyNode = out.get("body");
        byte[] body = new byte[0];
        if (bodyNode != null && !bodyNode.isNull()) {
            String text = bodyNode.isTextual() ? bodyNode.asText() : bodyNode.toString();
            body = out.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text) : text.getBytes(StandardCharsets.UTF_8);
        }
        return write(ex, status, body);
    }

    /**
     * 429 for a request beyond its route's throttle. API Gateway in AWS answers {@code {"message":"Too Many Requests"}}
     * without Retry-After (HTTP APIs cannot change that); the local cloud answers RFC 9457 problem+json and says when
     * the bucket holds a token again, so that clients and tests see when to retry.
     */
    private int tooManyRequests(HttpExchange ex, String requestId, String routeKey, long retryAfterSeconds) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/problem+json");
        h.set("apigw-requestid", requestId);
        h.set("Retry-After", Long.toString(retryAfterSeconds));
        ObjectNode problem = JSON.createObjectNode();
        problem.put("type", "https://cartwheel.dev/problems/throttled");
        problem.put("title", "Too Many Requests");
        problem.put("status", 429);
        problem.put("detail", "The route " + routeKey + " is over its throttling limit; retry after " + retryAfterSeconds + " s");
        return write(ex, 429, JSON.writeValueAsBytes(problem));
    }

    private int message(HttpExchange ex, String requestId, int status, String message, String wwwAuthenticate) throws IOException {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", "application/json");
        h.set("apigw-requestid", requestId);
        if (wwwAuthenticate != null) {
            h.set("www-authenticate", wwwAuthenticate);
        }
        return write(ex, status, ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static int write(HttpExchange ex, int status, byte[] body) throws IOException {
        boolean noBody = status == 204 || status == 304 || ex.getRequestMethod().equalsIgnoreCase("HEAD");
        ex.sendResponseHeaders(status, noBody || body.length == 0 ? -1 : body.length);
        if (!noBody && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
        return status;
    }

    private static String apiGatewayRequestId() {
        return Base64.getEncoder().withoutPadding().encodeToString(randomBytes(10)).replace('/', 'x').replace('+', 'y') + "=";
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
