package dev.cartwheel.bench;

import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * One order's AWS calls, in the handlers' order, with items shaped like theirs, made straight against the emulators
 * with no handlers: the bound the pipeline is compared with ({@link ThroughputBench}) and the emulators' share of an
 * order's time ({@link LocalBench}).
 *
 * <p>With {@link Hops}, each order also makes the calls of the hops Stripe's webhooks add, at the rates the pipeline
 * run measured: per webhook the webhook function's order read; per forwarded webhook also its inbox read,
 * {@code PaymentUpdated} send and inbox write, and the payment step's share of it (a receive and a delete, the order
 * read); per extra {@code OrderPaid} (the payment step telling the e-mail step again about an order a webhook found
 * paid) its send, and the e-mail step's receive, delete, order read and claim, which finds the e-mail sent (a
 * conditional write that fails).
 */
final class EmulatorsReplay {

    /** What one drive measured. */
    record Phase(int orders, double seconds, long[] latencies, long emptyReceives) {
    }

    static final int CALLS_PER_ORDER = 17 + 3 + 3;
    static final int CALLS_PER_WEBHOOK = 1;
    static final int CALLS_PER_FORWARDED_WEBHOOK = 3 + 2 + 1;
    static final int CALLS_PER_EXTRA_ORDER_PAID = 1 + 2 + 1 + 1;

    /**
     * The webhook hops per order the pipeline made: webhooks received, those of them forwarded to the payment step, and
     * {@code OrderPaid} messages beyond the first. {@link #NONE} replays the handlers' path alone.
     */
    record Hops(double webhooks, double forwarded, double extraOrderPaid) {
        static final Hops NONE = new Hops(0, 0, 0);

        /** The AWS calls one order makes on average, hops included. */
        double callsPerOrder() {
            return CALLS_PER_ORDER + webhooks * CALLS_PER_WEBHOOK + forwarded * CALLS_PER_FORWARDED_WEBHOOK
                    + extraOrderPaid * CALLS_PER_EXTRA_ORDER_PAID;
        }

        /** How many of a hop made at {@code rate} per order the {@code index}-th order makes (spread evenly). */
        static int count(long index, double rate) {
            return (int) (Math.floor((index + 1) * rate) - Math.floor(index * rate));
        }
    }

    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final SesV2Client ses;
    private final String orders;
    private final String products;
    private final String idempotency;
    private final String inventoryQueue;
    private final String paymentQueue;
    private final String emailQueue;
    private final String sender;
    private final AtomicLong emptyReceives = new AtomicLong();
    private final AtomicLong ordered = new AtomicLong();
    private final Hops hops;

    EmulatorsReplay(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses, ProvisionedResources resources, String sender) {
        this(dynamoDb, sqs, ses, resources, sender, Hops.NONE);
    }

    EmulatorsReplay(DynamoDbClient dynamoDb, SqsClient sqs, SesV2Client ses, ProvisionedResources resources, String sender,
                    Hops hops) {
        this.hops = hops;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.ses = ses;
        this.orders = resources.tableName("OrdersTable");
        this.products = resources.tableName("ProductsTable");
        this.idempotency = resources.tableName("IdempotencyTable");
        this.inventoryQueue = resources.queueUrl("InventoryQueue");
        this.paymentQueue = resources.queueUrl("PaymentQueue");
        this.emailQueue = resources.queueUrl("EmailQueue");
        this.sender = sender;
    }

    void seed() {
        for (String sku : List.of("BENCH-A", "BENCH-B")) {
            dynamoDb.putItem(b -> b.tableName(products).item(Map.of(
                    "sku", s(sku), "name", s("Bench " + sku), "priceAmount", n(1000), "currency", s("USD"),
                    "available", n(100_000_000), "reserved", n(0), "sold", n(0))));
        }
    }

    Phase drive(int count, int concurrency) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[count];
        AtomicInteger done = new AtomicInteger();
        long before = emptyReceives.get();
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(Thread.ofVirtual().name("bench-replay-" + w).start(() -> {
                int i;
                while ((i = next.getAndIncrement()) < count) {
                    long start = System.nanoTime();
                    order();
                    latencies[i] = System.nanoTime() - start;
                    done.incrementAndGet();
                }
            }));
        }
        for (Thread t : workers) {
            t.join();
        }
        return new Phase(done.get(), (System.nanoTime() - t0) / 1e9, latencies, emptyReceives.get() - before);
    }

    private void order() {
        long index = ordered.getAndIncrement();
        String orderId = "ord_" + UUID.randomUUID();
        String correlationId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        List<Map<String, AttributeValue>> history = new ArrayList<>();

        // checkout: price, order + idempotency record in one transaction, OrderPlaced
        dynamoDb.batchGetItem(b -> b.requestItems(Map.of(products, KeysAndAttributes.builder().consistentRead(true)
                .keys(Map.of("sku", s("BENCH-A")), Map.of("sku", s("BENCH-B"))).build())));
        history.add(change("PENDING", now, "order placed"));
        Map<String, AttributeValue> pending = orderItem(orderId, correlationId, "PENDING", 1, now, history, false);
        dynamoDb.transactWriteItems(b -> b.transactItems(
                TransactWriteItem.builder().put(Put.builder().tableName(idempotency).item(Map.of(
                        "pk", s("checkout#bench-customer#" + UUID.randomUUID()), "requestHash", s("0".repeat(64)),
                        "orderId", s(orderId), "expiresAt", n(now.plusSeconds(86_400).getEpochSecond())))
                        .conditionExpression("attribute_not_exists(pk)").build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(orders).item(pending)
                        .conditionExpression("attribute_not_exists(orderId)").build()).build()));
        send(inventoryQueue, "OrderPlaced", orderId, correlationId);

        // inventory: read, reserve both lines with the status change, StockReserved
        consume(inventoryQueue);
        readOrder(orderId);
        history.add(change("RESERVED", Instant.now(), "stock reserved"));
        transition(orderItem(orderId, correlationId, "RESERVED", 2, now, history, false), 1,
                "SET available = available - :q, reserved = reserved + :q", "attribute_exists(sku) AND available >= :q");
        send(paymentQueue, "StockReserved", orderId, correlationId);

        // payment: read, authorize at the provider, AUTHORIZED, capture, PAID with stock committed, OrderPaid
        consume(paymentQueue);
        readOrder(orderId);
        // (the authorization at Stripe is an HTTPS call, not an AWS one)
        history.add(change("AUTHORIZED", Instant.now(), "payment authorized"));
        Map<String, AttributeValue> authorized = orderItem(orderId, correlationId, "AUTHORIZED", 3, now, history, true);
        dynamoDb.putItem(b -> b.tableName(orders).item(authorized).conditionExpression("version = :expected")
                .expressionAttributeValues(Map.of(":expected", n(2))));
        // (the capture at Stripe is an HTTPS call)
        history.add(change("PAID", Instant.now(), "payment captured"));
        transition(orderItem(orderId, correlationId, "PAID", 4, now, history, true), 3,
                "SET sold = sold + :q, reserved = reserved - :q", "attribute_exists(sku) AND reserved >= :q");
        send(emailQueue, "OrderPaid", orderId, correlationId);

        // Stripe's webhooks about the payment: the webhook function reads the order; one that already records the
        // payment is answered there, any other forwarded once, and the payment step reads the order
        int forwarded = Hops.count(index, hops.forwarded());
        for (int w = Math.max(forwarded, Hops.count(index, hops.webhooks())) - forwarded; w > 0; w--) {
            readOrder(orderId);
        }
        for (int w = forwarded; w > 0; w--) {
            readOrder(orderId);
            Map<String, AttributeValue> inboxKey = Map.of("pk", s("webhook#evt_" + UUID.randomUUID()));
            dynamoDb.getItem(b -> b.tableName(idempotency).key(inboxKey).consistentRead(true));
            send(paymentQueue, "PaymentUpdated", orderId, correlationId);
            Map<String, AttributeValue> remembered = new HashMap<>(inboxKey);
            remembered.put("receivedAt", s(Instant.now().toString()));
            remembered.put("expiresAt", n(Instant.now().plusSeconds(30L * 86_400).getEpochSecond()));
            dynamoDb.putItem(b -> b.tableName(idempotency).item(remembered));
            consume(paymentQueue);
            readOrder(orderId);
        }
        int extraOrderPaid = Hops.count(index, hops.extraOrderPaid());
        for (int e = extraOrderPaid; e > 0; e--) {
            send(emailQueue, "OrderPaid", orderId, correlationId);
        }

        // e-mail: read, claim, send, mark sent, CONFIRMED
        consume(emailQueue);
        readOrder(orderId);
        claim(orderId, Instant.now());
        String messageId = ses.sendEmail(b -> b.fromEmailAddress(sender)
                .destination(d -> d.toAddresses("bench@example.com"))
                .content(c -> c.simple(m -> m.subject(t -> t.data("Your order is confirmed (" + orderId + ")").charset("UTF-8"))
                        .body(body -> body.text(t -> t.data(MAIL_TEXT.replace("{{orderId}}", orderId)).charset("UTF-8"))
                                .html(t -> t.data(MAIL_HTML.replace("{{orderId}}", orderId)).charset("UTF-8")))))).messageId();
        dynamoDb.updateItem(b -> b.tableName(idempotency).key(Map.of("pk", s("email#" + orderId + "#ORDER_CONFIRMED")))
                .updateExpression("SET #state = :sent, messageId = :messageId, sentAt = :at")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":sent", s("SENT"), ":messageId", s(messageId), ":at", n(System.currentTimeMillis()))));
        history.add(change("CONFIRMED", Instant.now(), "confirmation e-mail sent"));
        Map<String, AttributeValue> confirmed = orderItem(orderId, correlationId, "CONFIRMED", 5, now, history, true);
        dynamoDb.putItem(b -> b.tableName(orders).item(confirmed).conditionExpression("version = :expected")
                .expressionAttributeValues(Map.of(":expected", n(4))));

        // the e-mail step again for each extra OrderPaid: the claim finds the confirmation sent
        for (int e = extraOrderPaid; e > 0; e--) {
            consume(emailQueue);
            readOrder(orderId);
            try {
                claim(orderId, Instant.now());
                throw new IllegalStateException("the confirmation of " + orderId + " was claimed twice");
            } catch (ConditionalCheckFailedException alreadySent) {
                // as the e-mail step finds it: ALREADY_SENT
            }
        }
    }

    private void claim(String orderId, Instant at) {
        dynamoDb.updateItem(b -> b.tableName(idempotency).key(Map.of("pk", s("email#" + orderId + "#ORDER_CONFIRMED")))
                .updateExpression("SET #state = :sending, leaseUntil = :lease, expiresAt = :expires")
                .conditionExpression("attribute_not_exists(pk) OR (#state = :sending AND leaseUntil < :now)")
                .expressionAttributeNames(Map.of("#state", "state"))
                .expressionAttributeValues(Map.of(":sending", s("SENDING"), ":lease", n(at.toEpochMilli() + 30_000),
                        ":now", n(at.toEpochMilli()), ":expires", n(at.plusSeconds(30L * 86_400).getEpochSecond())))
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD));
    }

    private void readOrder(String orderId) {
        dynamoDb.getItem(b -> b.tableName(orders).key(Map.of("orderId", s(orderId))).consistentRead(true));
    }

    private void transition(Map<String, AttributeValue> item, long expectedVersion, String stockUpdate, String stockCondition) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(orders).item(item)
                .conditionExpression("version = :expected")
                .expressionAttributeValues(Map.of(":expected", n(expectedVersion))).build()).build());
        for (Map.Entry<String, Integer> line : Map.of("BENCH-A", 1, "BENCH-B", 2).entrySet()) {
            writes.add(TransactWriteItem.builder().update(Update.builder().tableName(products)
                    .key(Map.of("sku", s(line.getKey()))).updateExpression(stockUpdate).conditionExpression(stockCondition)
                    .expressionAttributeValues(Map.of(":q", n(line.getValue()))).build()).build());
        }
        dynamoDb.transactWriteItems(b -> b.transactItems(writes));
    }

    private void send(String queueUrl, String type, String orderId, String correlationId) {
        sqs.sendMessage(b -> b.queueUrl(queueUrl)
                .messageBody("{\"schemaVersion\":1,\"type\":\"" + type + "\",\"orderId\":\"" + orderId
                        + "\",\"correlationId\":\"" + correlationId + "\"}")
                .messageAttributes(Map.of(
                        "correlationId", MessageAttributeValue.builder().dataType("String").stringValue(correlationId).build(),
                        "type", MessageAttributeValue.builder().dataType("String").stringValue(type).build())));
    }

    /** The event source mapping's share: one receive and one delete (any message of the queue: all cost the same). */
    private void consume(String queueUrl) {
        for (int attempt = 0; attempt < 30; attempt++) {
            List<Message> got = sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(1).waitTimeSeconds(2)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL).messageAttributeNames("All")).messages();
            if (!got.isEmpty()) {
                sqs.deleteMessage(r -> r.queueUrl(queueUrl).receiptHandle(got.getFirst().receiptHandle()));
                return;
            }
            emptyReceives.incrementAndGet();
        }
        throw new IllegalStateException("no message in " + queueUrl);
    }

    private static Map<String, AttributeValue> orderItem(String orderId, String correlationId, String status, long version,
                                                         Instant created, List<Map<String, AttributeValue>> history, boolean paid) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("orderId", s(orderId));
        item.put("customerId", s("bench-customer"));
        item.put("email", s("bench@example.com"));
        item.put("correlationId", s(correlationId));
        item.put("lines", AttributeValue.fromL(List.of(line("BENCH-A", "Bench A", 1, 1000), line("BENCH-B", "Bench B", 2, 2500))));
        item.put("total", money(6000));
        item.put("paymentToken", s("pm_card_visa"));
        item.put("status", s(status));
        item.put("version", n(version));
        item.put("createdAt", s(created.toString()));
        item.put("updatedAt", s(Instant.now().toString()));
        item.put("history", AttributeValue.fromL(history.stream().map(AttributeValue::fromM).toList()));
        if (paid) {
            item.put("payment", AttributeValue.fromM(Map.of("paymentId", s("pay_" + orderId), "brand", s("visa"), "last4", s("4242"))));
        }
        if (!status.equals("CONFIRMED")) {
            item.put("openShard", s("open#" + Math.floorMod(orderId.hashCode(), 8)));
        }
        return item;
    }

    private static AttributeValue line(String sku, String name, int quantity, long price) {
        return AttributeValue.fromM(Map.of("sku", s(sku), "name", s(name), "quantity", n(quantity), "unitPrice", money(price)));
    }

    private static AttributeValue money(long amount) {
        return AttributeValue.fromM(Map.of("amount", n(amount), "currency", s("USD")));
    }

    private static Map<String, AttributeValue> change(String status, Instant at, String reason) {
        return Map.of("status", s(status), "at", s(at.toString()), "reason", s(reason));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static final String MAIL_TEXT = """
            Thank you for your order {{orderId}}.

              1 x Bench A          USD 10.00
              2 x Bench B          USD 50.00
              Total                USD 60.00

            Paid with visa ending 4242. We will let you know when it ships.
            """;
    private static final String MAIL_HTML = """
            <!doctype html><html><body style="font-family:sans-serif"><h1>Thank you for your order</h1>
            <p>Order <strong>{{orderId}}</strong></p><table><tr><th>Item</th><th>Qty</th><th>Price</th></tr>
            <tr><td>Bench A</td><td>1</td><td>USD 10.00</td></tr><tr><td>Bench B</td><td>2</td><td>USD 50.00</td></tr>
            <tr><td colspan="2">Total</td><td>USD 60.00</td></tr></table>
            <p>Paid with visa ending 4242. We will let you know when it ships.</p></body></html>
            """;
}
