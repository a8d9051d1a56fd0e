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
 * The demo: through the HTTP API with dev tokens, a good order (tok_visa), an order for more than the stock of the
 * scarcest product, and an order paid with tok_chargeDeclined; waits for their final statuses, prints their timelines
 * and e-mails, and checks the outcome (statuses, one e-mail each, stock decremented / unchanged / restored).
 */
public final class DemoRun {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> FINAL = Set.of("CONFIRMED", "REJECTED", "PAYMENT_FAILED");

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

    record Case(String label, String customer, String sku, int quantity, String paymentToken, String expected) {
    }

    public boolean run(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, JsonNode> before = catalog();
        List<JsonNode> products = new ArrayList<>(before.values());
        products.sort(Comparator.comparingLong(p -> p.path("available").asLong()));
        JsonNode scarce = products.getFirst();
        JsonNode plenty = products.getLast();
        JsonNode other = products.size() > 2 ? products.get(products.size() - 2) : plenty;
        if (scarce.path("available").asLong() + 1 > 100) {
            problems.add("no product with less than 100 units: cannot show a sell-out");
            return false;
        }
        List<Case> cases = List.of(
                new Case("good order", "demo-alice", plenty.path("sku").asText(), 2, "tok_visa", "CONFIRMED"),
                new Case("out-of-stock order", "demo-bob", scarce.path("sku").asText(),
                        (int) scarce.path("available").asLong() + 1, "tok_visa", "REJECTED"),
                new Case("declined payment", "demo-carol", other.path("sku").asText(), 1, "tok_chargeDeclined", "PAYMENT_FAILED"));

        out.println();
        out.println("Catalog:");
        before.values().forEach(p -> out.printf("  %-20s %-28s %8.2f %s  available %d%n", p.path("sku").asText(), p.path("name").asText(),
                p.path("price").path("amount").asLong() / 100.0, p.path("price").path("currency").asText(), p.path("available").asLong()));

        Map<Case, String> orderIds = new LinkedHashMap<>();
        Map<Case, String> tokens = new LinkedHashMap<>();
        for (Case c : cases) {
            String token = cloud.token(c.customer(), c.customer() + "@example.com", "orders/read orders/write");
            tokens.put(c, token);
            String body = "{\"items\":[{\"sku\":\"" + c.sku() + "\",\"quantity\":" + c.quantity() + "}],\"paymentToken\":\"" + c.paymentToken() + "\"}";
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
        while (System.nanoTime() < deadline && finals.size() < orderIds.size()) {
            for (Map.Entry<Case, String> e : orderIds.entrySet()) {
                if (finals.containsKey(e.getKey())) {
                    continue;
                }
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/orders/" + e.getValue()))
                        .header("Authorization", "Bearer " + tokens.get(e.getKey())).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    JsonNode order = JSON.readTree(r.body());
                    if (FINAL.contains(order.path("status").asText())) {
                        finals.put(e.getKey(), order);
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
            boolean allThere = mails.values().stream().allMatch(l -> !l.isEmpty());
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
            for (JsonNode h : order.path("history")) {
                out.printf("   %s  %s%s%n", h.path("at").asText(h.path("timestamp").asText()), h.path("status").asText(h.path("to").asText()),
                        h.hasNonNull("reason") ? "  (" + h.path("reason").asText() + ")" : "");
            }
            if (!c.expected().equals(order.path("status").asText())) {
                problems.add(c.label() + " " + id + ": ended " + order.path("status").asText() + ", expected " + c.expected());
            }
            List<JsonNode> m = mails.getOrDefault(c, List.of());
            for (JsonNode mail : m) {
                out.printf("   e-mail to %s: \"%s\"%n", String.join(", ", list(mail.path("to"))), mail.path("subject").asText());
                for (String line : mail.path("text").asText("").split("\n")) {
                    out.println("      | " + line);
                }
            }
            if (m.size() != 1) {
                problems.add(c.label() + " " + id + ": " + m.size() + " e-mails, expected exactly 1");
            }
            long was = before.get(c.sku()).path("available").asLong();
            long now = after.get(c.sku()).path("available").asLong();
            long expectedNow = c.expected().equals("CONFIRMED") ? was - c.quantity() : was;
            out.printf("   stock of %s: %d -> %d%n", c.sku(), was, now);
            if (now != expectedNow) {
                problems.add(c.label() + ": stock of " + c.sku() + " is " + now + ", expected " + expectedNow);
            }
        }
        out.println();
        problems.forEach(p -> out.println("PROBLEM: " + p));
        return problems.isEmpty() && orderIds.size() == cases.size();
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
