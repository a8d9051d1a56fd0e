package dev.cartwheel.emulators.ses;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.cartwheel.emulators.server.EmulatorException;
import dev.cartwheel.emulators.server.FreePorts;

/**
 * The project's own SES v2 endpoint: the REST-JSON API as {@code SesV2Client} calls it, enough for sending mail and
 * managing e-mail identities, capturing every message in memory instead of delivering it.
 *
 * <ul>
 *   <li>{@code POST /v2/email/identities} CreateEmailIdentity (identities are verified at once) and
 *       {@code GET /v2/email/identities/{id}} GetEmailIdentity; nothing else of the identity API, which Cartwheel does
 *       not use.</li>
 *   <li>{@code POST /v2/email/outbound-emails} SendEmail with Simple content. As in the SES sandbox a sender whose
 *       address (or its domain) is not a verified identity is refused with {@code MessageRejected}; CR, LF or NUL
 *       in an address or the subject is refused with {@code BadRequestException}.</li>
 *   <li>{@code GET /_captured} the captured e-mails as JSON; {@code DELETE /_captured} clears them.</li>
 * </ul>
 */
public final class SesCaptureServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IDENTITIES = "/v2/email/identities";
    private static final String OUTBOUND = "/v2/email/outbound-emails";
    private static final String CAPTURED = "/_captured";

    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> identities = ConcurrentHashMap.newKeySet();
    private final List<CapturedEmail> captured = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();

    private SesCaptureServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free port of 127.0.0.1. */
    public static SesCaptureServer start() {
        return start(0);
    }

    public static SesCaptureServer start(int port) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(FreePorts.LOOPBACK), port), 64);
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "ses-capture");
                t.setDaemon(true);
                return t;
            });
            http.setExecutor(executor);
            SesCaptureServer ses = new SesCaptureServer(http, executor);
            http.createContext("/", ses::handle);
            http.start();
            return ses;
        } catch (IOException e) {
            throw new EmulatorException("SES capture server did not start: " + e.getMessage(), e);
        }
    }

    public URI endpoint() {
        return URI.create("http://" + FreePorts.LOOPBACK + ":" + server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    // ---------------------------------------------------------------------------------------------- Java API

    /** Verifies an identity directly (an address, or a domain covering all its addresses). */
    public void verifyIdentity(String identity) {
        identities.add(identity.toLowerCase(Locale.ROOT));
    }

    public Set<String> identities() {
        return Set.copyOf(identities);
    }

    /** The captured e-mails, oldest first. */
    public List<CapturedEmail> messages() {
        return List.copyOf(captured);
    }

    /** The captured e-mails with {@code address} among their recipients. */
    public List<CapturedEmail> messagesTo(String address) {
        return captured.stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> addressOf(r).equalsIgnoreCase(address)))
                .toList();
    }

    public void clear() {
        captured.clear();
    }

    /** Waits until an e-mail matching {@code condition} has been captured; empty when none did within the timeout. */
    public Optional<CapturedEmail> await(Predicate<CapturedEmail> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (true) {
                for (CapturedEmail email : captured) {
                    if (condition.test(email)) {
                        return Optional.of(email);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return Optional.empty();
                }
            }
        }
    }

    /** Waits until at least {@code count} e-mails have been captured; returns them all (possibly fewer on timeout). */
    public List<CapturedEmail> awaitCount(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (captured.size() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(monitor, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return messages();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------------------------------------- HTTP

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            try {
                if (path.equals(OUTBOUND) && method.equals("POST")) {
                    sendEmail(exchange);
                } else if (path.equals(IDENTITIES) && method.equals("POST")) {
                    createIdentity(exchange);
                } else if (path.startsWith(IDENTITIES + "/") && method.equals("GET")) {
                    getIdentity(exchange, URLDecoder.decode(path.substring(IDENTITIES.length() + 1), StandardCharsets.UTF_8));
                } else if (path.equals(CAPTURED) && method.equals("GET")) {
                    respond(exchange, 200, capturedJson());
                } else if (path.equals(CAPTURED) && method.equals("DELETE")) {
                    clear();
                    respond(exchange, 200, JSON.createObjectNode());
                } else {
                    error(exchange, 404, "NotFoundException", "the SES capture server has no " + method + " " + path);
                }
            } catch (BadRequest e) {
                error(exchange, 400, "BadRequestException", e.getMessage());
            } catch (RuntimeException e) {
                error(exchange, 500, "InternalFailure", String.valueOf(e));
            }
        }
    }

    private void sendEmail(HttpExchange exchange) throws IOException {
        JsonNode request = body(exchange);
        String from = text(request, "FromEmailAddress");
        if (from == null || from.isBlank()) {
            throw new BadRequest("FromEmailAddress is required");
        }
        JsonNode destination = request.path("Destination");
        List<String> to = strings(destination.path("ToAddresses"));
        List<String> cc = strings(destination.path("CcAddresses"));
        List<String> bcc = strings(destination.path("BccAddresses"));
        List<String> replyTo = strings(request.path("ReplyToAddresses"));
        JsonNode simple = request.path("Content").path("Simple");
        if (simple.isMissingNode()) {
            throw new BadRequest("only Simple content is supported by the SES capture server");
        }
        String subject = text(simple.path("Subject"), "Data");
        String textBody = text(simple.path("Body").path("Text"), "Data");
        String htmlBody = text(simple.path("Body").path("Html"), "Data");
        if (to.isEmpty() && cc.isEmpty() && bcc.isEmpty()) {
            throw new BadRequest("at least one recipient is required");
        }
        if (subject == null) {
            throw new BadRequest("Content.Simple.Subject is required");
        }
        if (textBody == null && htmlBody == null) {
            throw new BadRequest("Content.Simple.Body needs Text or Html");
        }
        List<String> headerValues = new ArrayList<>(List.of(from, subject));
        headerValues.addAll(to);
        headerValues.addAll(cc);
        headerValues.addAll(bcc);
        headerValues.addAll(replyTo);
        for (String value : headerValues) {
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.indexOf('\0') >= 0) {
                throw new BadRequest("header injection: CR, LF or NUL in an address or the subject");
            }
        }
        String sender = addressOf(from).toLowerCase(Locale.ROOT);
        String domain = sender.substring(sender.indexOf('@') + 1);
        if (!identities.contains(sender) && !identities.contains(domain)) {
            error(exchange, 400, "MessageRejected",
                    "Email address is not verified. The following identities failed the check in region "
                            + "US-EAST-1: " + addressOf(from));
            return;
        }
        String messageId = UUID.randomUUID().toString();
        CapturedEmail email = new CapturedEmail(messageId, from, to, cc, bcc, replyTo, subject, textBody, htmlBody,
                Instant.now());
        synchronized (monitor) {
            captured.add(email);
            monitor.notifyAll();
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("MessageId", messageId);
        respond(exchange, 200, response);
    }

    private void createIdentity(HttpExchange exchange) throws IOException {
        String identity = text(body(exchange), "EmailIdentity");
        if (identity == null || identity.isBlank()) {
            throw new BadRequest("EmailIdentity is required");
        }
        if (!identities.add(identity.toLowerCase(Locale.ROOT))) {
            error(exchange, 400, "AlreadyExistsException", "Email identity " + identity + " already exist.");
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("IdentityType", identityType(identity));
        response.put("VerifiedForSendingStatus", true);
        respond(exchange, 200, response);
    }

    private void getIdentity(HttpExchange exchange, String identity) throws IOException {
        if (!identities.contains(identity.toLowerCase(Locale.ROOT))) {
            error(exchange, 404, "NotFoundException", "Email identity " + identity + " does not exist.");
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        response.put("IdentityType", identityType(identity));
        response.put("FeedbackForwardingStatus", true);
        response.put("VerifiedForSendingStatus", true);
        response.put("VerificationStatus", "SUCCESS");
        respond(exchange, 200, response);
    }

    private ArrayNode capturedJson() {
        ArrayNode array = JSON.createArrayNode();
        for (CapturedEmail email : captured) {
            ObjectNode node = array.addObject();
            node.put("messageId", email.messageId());
            node.put("from", email.from());
            ArrayNode toNode = node.putArray("to");
            email.to().forEach(toNode::add);
            ArrayNode ccNode = node.putArray("cc");
            email.cc().forEach(ccNode::add);
            ArrayNode bccNode = node.putArray("bcc");
            email.bcc().forEach(bccNode::add);
            node.put("subject", email.subject());
            node.put("text", email.text());
            node.put("html", email.html());
            node.put("timestamp", email.timestamp().toString());
        }
        return array;
    }

    private static String identityType(String identity) {
        return identity.contains("@") ? "EMAIL_ADDRESS" : "DOMAIN";
    }

    /** {@code "Name <a@b>"} or {@code a@b} -> {@code a@b}. */
    static String addressOf(String mailbox) {
        int open = mailbox.lastIndexOf('<');
        int close = mailbox.lastIndexOf('>');
        return (open >= 0 && close > open ? mailbox.substring(open + 1, close) : mailbox).strip();
    }

    private static JsonNode body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                return JSON.createObjectNode();
            }
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new BadRequest("request body is not JSON: " + e.getMessage());
            }
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        ObjectNode body = JSON.createObjectNode();
        body.put("message", message);
        respond(exchange, status, body);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static final class BadRequest extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BadRequest(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "SesCaptureServer[" + endpoint() + ", " + captured.size() + " captured, identities " + identities + "]";
    }
}
