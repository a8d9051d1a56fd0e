package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The demo: through the HTTP API with dev tokens, a good order (pm_card_visa) that an admin then partly refunds, an order
 * for more than the stock of the scarcest product, an order paid with pm_card_chargeDeclined, an order its customer
 * cancels once it is confirmed, and an order paid with pm_card_authenticationRequired, left PAYMENT_PENDING until its
 * customer completes 3-D Secure at the Stripe simulator and Stripe's signed webhook goes through the API, which the
 * warehouse then ships
 * ({@code POST /orders/{orderId}/fulfilment}); waits for their final statuses, prints
 * their timelines, e-mails and webhooks, and checks the outcome (statuses, the e-mails each should get, stock
 * decremented / unchanged / restored, the refund, the webhook delivered and the order pending before it was authorized).
 *
 * <p>About 400 lines on purpose: one scripted walk through the five orders, read top to bottom like the output it
 * prints.
 */
public final class DemoRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> FINAL = Set.of("CONFIRMED", "FULFILLED", "REJECTED", "PAYMENT_FAILED", "CANCELLED", "EXPIRED");

    private final LocalCloud cloud;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<String> problems = new ArrayList<>();

    public DemoRun(LocalCloud cloud, PrintStream out) {
        this.cloud = cloud;
        this.out = out;
    }

    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** What happens to a confirmed order of the demo after it is confirmed. */
    enum Then { NOTHING, REFUND_ONE_UNIT, CANCEL, SHIP }

    record Case(String label, String customer, String sku, int quantity, String paymentToken, String expected, Then then,
                String address, String shippingMethod) {

        Case(String label, String customer, String sku, int quantity, String paymentToken, String expected, Then then) {
            this(label, customer, sku, quantity, paymentToken, expected, then, US_ADDRESS, "standard");
        }

        int expectedEmails() {
            return then == Then.NOTHING ? 1 : 2;
        }

        boolean keepsStock() {
            return expected.equals("CONFIRMED") || expected.equals("FULFILLED");
        }

        /** Authorized once the customer completes 3-D Secure; Stripe then tells Cartwheel by webhook. */
        boolean asynchronous() {
            return paymentToken.equals(ASYNC_TOKEN);
        }
    }

    static final String ASYNC_TOKEN = "pm_card_authenticationRequired";
    /** A domestic address with a region (California's sales tax applies) and one abroad (German VAT, 7% on books). */
    static final String US_ADDRESS = "{\"name\":\"Alex Demo\",\"line1\":\"1 Market Street\",\"city\":\"San Francisco\","
            + "\"region\":\"CA\",\"postalCode\":\"94105\",\"country\":\"US\"}";
    static final String DE_ADDRESS = "{\"name\":\"Erin Müller\",\"line1\":\"Straße des 17. Juni 135\",\"city\":\"Berlin\","
            + "\"postalCode\":\"10623\",\"country\":\"DE\",\"phone\":\"+49 30 1234567\"}";

    public boolean run(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> before = catalog();
        List<JsonNode> products = new ArrayList<>(before.values());
        products.sort(Comparator.comparingLong(p -> p.path("available").asLong()));
        JsonNode scarce = products.getFirst();
        JsonNode plenty = products.getLast();
        JsonNode other = products.size() > 2 ? products.get(products.size() - 2) : plenty;
        JsonNode fourth = products.size() > 3 ? products.get(1) : other;
        // the order abroad buys a book if the catalog has one (a reduced rate beside shipping's standard rate)
        JsonNode book = products.stream().filter(p -> "books".equals(p.path("taxCategory").asText())).findFirst().orElse(fourth);
        if (scarce.path("available").asLong() + 1 > 100) {
            problems.add("no product with less than 100 units: cannot show a sell-out");
            return false;
        }
        List<Case> cases = List.of(
                new Case("good order, then a refund", "demo-alice", plenty.path("sku").asText(), 2, "pm_card_visa", "CONFIRMED",
                        Then.REFUND_ONE_UNIT),
                new Case("out-of-stock order", "demo-bob", scarce.path("sku").asText(),
                        (int) scarce.path("available").asLong() + 1, "pm_card_visa", "REJECTED", Then.NOTHING),
                new Case("declined payment", "demo-carol", other.path("sku").asText(), 1, "pm_card_chargeDeclined", "PAYMENT_FAILED",
                        Then.NOTHING),
                new Case("order cancelled by its customer", "demo-dave", other.path("sku").asText(), 1, "pm_card_visa", "CANCELLED",
                        Then.CANCEL),
                new Case("asynchronously authorized order shipped abroad (Germany)", "demo-erin", book.path("sku").asText(), 1,
                        ASYNC_TOKEN, "FULFILLED", Then.SHIP, DE_ADDRESS, "express"));

        out.println();
        out.println("Catalog:");
        before.values().forEach(p -> out.printf("  %-20s %-28s %8.2f %s  available %d%n", p.path("sku").asText(), p.path("name").asText(),
                p.path("price").path("amount").asLong() / 100.0, p.path("price").path("currency").asText(), p.path("available").asLong()));

        Map<Case, String> orderIds = new LinkedHashMap<>();
        Map<Case, String> tokens = new LinkedHashMap<>();
        for (Case c : cases) {
            String token = cloud.token(c.customer(), c.customer() + "@example.com", "orders/read orders/write");
            tokens.put(c, token);
            String body = "{\"items\":[{\"sku\":\"" + c.sku() + "\",\"quantity\":" + c.quantity() + "}],\"paymentToken\":\""
                    + c.paymentToken() + "\",\"shippingAddress\":" + c.address() + ",\"shippingMethod\":\"" + c.shippingMethod() + "\"}";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders"))
                    .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                    .header("Idempotency-Key", UUID.randomUUID().toString())
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                problems.add(c.label() + ": POST /orders answered " + r.statusCode() + " " + r.body());
                continue;
            }
            String id = JSON.readTree(r.body()).path("orderId").asText();
            orderIds.put(c, id);
            out.printf("%nPlaced the %s: %d x %s with %s -> 202 %s%n", c.label(), c.quantity(), c.sku(), c.paymentToken(), id);
        }

        Map<Case, JsonNode> finals = new LinkedHashMap<>();
        Set<Case> acted = new java.util.HashSet<>(); // refunded or cancelled once confirmed
        while (System.nanoTime() < deadline && finals.size() < orderIds.size()) {
            for (Map.Entry<Case, String> e : orderIds.entrySet()) {
                if (finals.containsKey(e.getKey())) {
                    continue;
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders/" + e.getValue()))
                        .header("Authorization", "Bearer " + tokens.get(e.getKey())).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode order = JSON.readTree(r.body());
                    String status = order.path("status").asText();
                    Case c = e.getKey();
                    if (status.equals("CONFIRMED") && c.then() != Then.NOTHING && acted.add(c)) {
                        if (c.then() == Then.CANCEL) {
                            cancel(c, e.getValue(), tokens.get(c));
                        } else if (c.then() == Then.SHIP) {
                            ship(c, e.getValue());
                        } else {
                            refundOneUnit(c, e.getValue(), before.get(c.sku()));
                        }
                    } else if (status.equals(c.expected()) && (c.then() != Then.REFUND_ONE_UNIT || acted.contains(c))) {
                        finals.put(c, order);
                    } else if (FINAL.contains(status) && !status.equals("CONFIRMED")) {
                        finals.put(c, order); // ended otherwise: reported below
                    }
                }
            }
            Thread.sleep(150);
        }

        // every order's e-mail
        Map<Case, List<JsonNode>> mails = new LinkedHashMap<>();
        while (true) {
            mails.clear();
            JsonNode all = cloud.mail();
            for (Map.Entry<Case, String> e : orderIds.entrySet()) {
                List<JsonNode> m = new ArrayList<>();
                all.forEach(mail -> {
                    if (mentions(mail, e.getValue())) {
                        m.add(mail);
                    }
                });
                mails.put(e.getKey(), m);
            }
            boolean allThere = mails.entrySet().stream().allMatch(e -> e.getValue().size() >= e.getKey().expectedEmails());
            if (allThere || System.nanoTime() >= deadline) {
                break;
            }
            Thread.sleep(150);
        }
        Thread.sleep(300); // a duplicate e-mail would show up now
        Map<String, JsonNode> after = catalog();

        for (Case c : cases) {
            String id = orderIds.get(c);
            if (id == null) {
                continue;
            }
            JsonNode order = finals.get(c);
            out.printf("%n== %s %s (%s, %d x %s, %s)%n", c.label(), id, c.customer(), c.quantity(), c.sku(), c.paymentToken());
            if (order == null) {
                problems.add(c.label() + " " + id + ": no final status within the timeout");
                out.println("   still not final");
                continue;
            }
            out.printf("   status %s (expected %s)%n", order.path("status").asText(), c.expected());
            printAmounts(c, id, order);
            for (JsonNode h : order.path("history")) {
                out.printf("   %s  %s%s%n", h.path("at").asText(h.path("timestamp").asText()), h.path("status").asText(h.path("to").asText()),
                        h.hasNonNull("reason") ? "  (" + h.path("reason").asText() + ")" : "");
            }
            if (!c.expected().equals(order.path("status").asText())) {
                problems.add(c.label() + " " + id + ": ended " + order.path("status").asText() + ", expected " + c.expected());
            }
            List<JsonNode> m = mails.getOrDefault(c, List.of());
            for (JsonNode mail : m) {
                if (mail.path("source").asText().equals("email-records")) {
                    // an external endpoint without a mailbox: what Cartwheel recorded sending through its SES
                    out.printf("   e-mail sent (message id %s): \"%s\"%n", mail.path("messageId").asText(), mail.path("subject").asText());
                    continue;
                }
                out.printf("   e-mail to %s: \"%s\"%n", String.join(", ", list(mail.path("to"))), mail.path("subject").asText());
                for (String line : mail.path("text").asText("").split("\n")) {
                    out.println("      | " + line);
                }
            }
            if (m.size() != c.expectedEmails()) {
                problems.add(c.label() + " " + id + ": " + m.size() + " e-mails, expected exactly " + c.expectedEmails());
            }
            if (c.asynchronous()) {
                checkWebhook(c, id, order);
            }
            if (c.then() == Then.REFUND_ONE_UNIT) {
                long unit = before.get(c.sku()).path("price").path("amount").asLong();
                long refundedTotal = order.path("refundedTotal").path("amount").asLong();
                out.printf("   refunded %.2f of %.2f%n", refundedTotal / 100.0, unit * c.quantity() / 100.0);
                if (refundedTotal != unit) {
                    problems.add(c.label() + " " + id + ": refunded " + refundedTotal + ", expected " + unit);
                }
            }
        }
        printFulfilmentQueue();
        // several cases may share a SKU: compare each SKU's stock with what all its cases should have left
        Map<String, Long> expectedStock = new LinkedHashMap<>();
        for (Case c : cases) {
            if (orderIds.containsKey(c)) {
                expectedStock.putIfAbsent(c.sku(), before.get(c.sku()).path("available").asLong());
                if (c.keepsStock()) {
                    expectedStock.merge(c.sku(), -(long) c.quantity(), Long::sum);
                }
            }
        }
        out.println();
        for (Map.Entry<String, Long> e : expectedStock.entrySet()) {
            long was = before.get(e.getKey()).path("available").asLong();
            long now = after.get(e.getKey()).path("available").asLong();
            out.printf("Stock of %s: %d -> %d%n", e.getKey(), was, now);
            if (now != e.getValue()) {
                problems.add("stock of " + e.getKey() + " is " + now + ", expected " + e.getValue());
            }
        }
        out.println();
        problems.forEach(p -> out.println("PROBLEM: " + p));
        return problems.isEmpty() && orderIds.size() == cases.size();
    }

    /** The order's subtotal, shipping, tax per rate and total, checked to add up. */
    private void printAmounts(Case c, String orderId, JsonNode order) {
        JsonNode method = order.path("shippingMethod");
        JsonNode address = order.path("shippingAddress");
        out.printf("   ships %s to %s, %s (%s)%n", method.path("name").asText("?"), address.path("city").asText("?"),
                address.path("country").asText("?"), address.path("postalCode").asText("?"));
        long subtotal = order.path("subtotal").path("amount").asLong();
        long shipping = order.path("shipping").path("amount").asLong();
        long tax = order.path("tax").path("amount").asLong();
        long total = order.path("total").path("amount").asLong();
        String currency = order.path("total").path("currency").asText();
        out.printf("   subtotal %s  shipping %s  tax %s  total %s%s%n", amount(subtotal, currency), amount(shipping, currency),
                amount(tax, currency), amount(total, currency), order.path("pricesIncludeTax").asBoolean() ? " (prices include tax)" : "");
        for (JsonNode rate : order.path("tax").path("breakdown")) {
            out.printf("      tax %-8s %6s%% on %s = %s%n", rate.path("category").asText(), rate.path("rate").asText(),
                    amount(rate.path("taxable").path("amount").asLong(), currency), amount(rate.path("tax").path("amount").asLong(), currency));
        }
        if (!order.has("subtotal") || subtotal + shipping + tax != total) {
            problems.add(c.label() + " " + orderId + ": subtotal, shipping and tax do not add up to the total: " + order);
        }
    }

    private static String amount(long minor, String currency) {
        return java.math.BigDecimal.valueOf(minor, 2).toPlainString() + " " + currency;
    }

    /** The warehouse's fulfilment queue: GET /admin/orders?status=CONFIRMED, page by page, oldest first. */
    void printFulfilmentQueue() throws IOException, InterruptedException {
        String warehouse = cloud.adminToken("demo-warehouse", "warehouse@example.com", "orders/read orders/admin");
        out.println();
        out.println("Fulfilment queue (GET /admin/orders?status=CONFIRMED, oldest first):");
        String cursor = null;
        int pages = 0;
        do {
            String query = "/admin/orders?status=CONFIRMED&limit=10" + (cursor == null ? ""
                    : "&cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(query)).header("Authorization", "Bearer " + warehouse)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                problems.add("GET /admin/orders answered " + r.statusCode() + " " + r.body());
                return;
            }
            JsonNode page = JSON.readTree(r.body());
            for (JsonNode o : page.path("items")) {
                StringBuilder lines = new StringBuilder();
                o.path("items").forEach(l -> lines.append(lines.isEmpty() ? "" : ", ").append(l.path("quantity").asInt())
                        .append(" x ").append(l.path("sku").asText()));
                out.printf("  %s  %s  %s  via %s to %s, %s%n", o.path("createdAt").asText(), o.path("orderId").asText(), lines,
                        o.path("shippingMethod").path("name").asText("?"), o.path("shippingAddress").path("city").asText("?"),
                        o.path("shippingAddress").path("country").asText("?"));
            }
            cursor = page.path("nextCursor").isTextual() ? page.path("nextCursor").asText() : null;
        } while (cursor != null && ++pages < 10);
    }

    /** The order waited in PAYMENT_PENDING until the provider's webhook, which was delivered and accepted. */
    private void checkWebhook(Case c, String orderId, JsonNode order) {
        List<String> statuses = new ArrayList<>();
        order.path("history").forEach(h -> statuses.add(h.path("status").asText(h.path("to").asText())));
        int pending = statuses.indexOf("PAYMENT_PENDING");
        if (pending < 0 || statuses.indexOf("AUTHORIZED") < pending) {
            problems.add(c.label() + " " + orderId + ": expected PAYMENT_PENDING before AUTHORIZED, history " + statuses);
        }
        if (cloud.paymentProvider().isEmpty()) {
            problems.add(c.label() + " " + orderId + ": the local cloud runs no Stripe simulator");
            return;
        }
        var deliveries = cloud.paymentProvider().get().deliveries(orderId);
        for (var d : deliveries) {
            out.printf("   webhook %s %s (attempt %d) -> %s %s%n", d.type(), d.eventId(), d.attempt(),
                    d.status() == 0 ? "no answer" : d.status(), d.response());
        }
        if (deliveries.stream().noneMatch(d -> d.delivered() && d.response().contains("FORWARDED"))) {
            problems.add(c.label() + " " + orderId + ": no webhook delivered and forwarded for it: " + deliveries);
        }
    }

    private void cancel(Case c, String orderId, String token) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders/" + orderId + "/cancel"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"changed my mind\"}")).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            problems.add(c.label() + ": POST /orders/" + orderId + "/cancel answered " + r.statusCode() + " " + r.body());
        }
    }

    private void ship(Case c, String orderId) throws IOException, InterruptedException {
        String warehouse = cloud.adminToken("demo-warehouse", "warehouse@example.com", "orders/read orders/admin");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders/" + orderId + "/fulfilment"))
                .header("Authorization", "Bearer " + warehouse).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"trackingNumber\":\"1Z999AA10123456784\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        out.printf("%nThe warehouse shipped the %s: POST /orders/%s/fulfilment -> %d%n", c.label(), orderId, r.statusCode());
        if (r.statusCode() != 200) {
            problems.add(c.label() + ": POST /orders/" + orderId + "/fulfilment answered " + r.statusCode() + " " + r.body());
        }
    }

    private void refundOneUnit(Case c, String orderId, JsonNode product) throws IOException, InterruptedException {
        String admin = cloud.adminToken("demo-admin", "admin@example.com", "orders/read orders/admin");
        String body = "{\"amount\":{\"amount\":" + product.path("price").path("amount").asLong() + ",\"currency\":\""
                + product.path("price").path("currency").asText() + "\"},\"reason\":\"one cup arrived chipped\"}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders/" + orderId + "/refunds"))
                .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        out.printf("%nAn admin refunded one unit of the %s: POST /orders/%s/refunds -> %d%n", c.label(), orderId, r.statusCode());
        if (r.statusCode() != 201) {
            problems.add(c.label() + ": POST /orders/" + orderId + "/refunds answered " + r.statusCode() + " " + r.body());
        }
    }

    static boolean mentions(JsonNode mail, String orderId) {
        return mail.path("subject").asText("").contains(orderId) || mail.path("text").asText("").contains(orderId)
                || mail.path("html").asText("").contains(orderId);
    }

    private static List<String> list(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.forEach(e -> out.add(e.asText()));
        return out;
    }

    private URI uri(String path) {
        return cloud.apiUrl().resolve(path);
    }

    /** GET /products (public), all pages, by SKU. */
    Map<String, JsonNode> catalog() throws IOException, InterruptedException {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String cursor = null;
        do {
            String path = "/products" + (cursor == null ? "" : "?cursor=" + java.net.URLEncoder.encode(cursor, java.nio.charset.StandardCharsets.UTF_8));
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET /products answered " + r.statusCode() + ": " + r.body());
            }
            JsonNode page = JSON.readTree(r.body());
            page.path("items").forEach(p -> out.put(p.path("sku").asText(), p));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return out;
    }
}
