package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Issue 12, item 5: admins' stock adjustments race the pipeline's reservations, releases and sales on the same product,
 * and no unit is created or lost: available + reserved + sold = what the shop received (the seeded stock plus the
 * ledger's deltas), the ledger holds exactly the adjustments that were answered 201 once, and nothing goes below zero.
 */
@ExtendWith(AwsEmulators.class)
class StockConservationIT {

    private static final String SKU = "RACED-CUP";
    private static final long SEEDED = 20;
    private static final int ORDERS = 60;
    private static final int ADJUSTERS = 2;
    private static final int ADJUSTMENTS_EACH = 25;

    @Test
    void adjustmentsRacingOrders_conserveEveryUnit_andTheLedgerHoldsEachAcceptedAdjustmentOnce(AwsEnvironment aws)
            throws Exception {
        // GIVEN orders placed by distinct customers (a few will be declined), not yet processed
        Pipeline pipeline = new Pipeline(aws);
        pipeline.seed(SKU, "Raced cup", 500, SEEDED);
        Random random = new Random(12);
        List<String[]> orders = ConcurrencyIT.placeConcurrently(pipeline, ORDERS, i -> Pipeline.orderBody(
                i % 10 == 9 ? "pm_card_chargeDeclined" : "pm_card_visa", SKU, 1 + (i % 3)));

        // WHEN the queues are pumped by four "instances" while two admins adjust the stock, replaying some requests
        AtomicLong applied = new AtomicLong();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger replayed = new AtomicInteger();
        ExecutorService admins = Executors.newFixedThreadPool(ADJUSTERS);
        List<Future<?>> adjusting = new ArrayList<>();
        for (int a = 0; a < ADJUSTERS; a++) {
            long seed = random.nextLong();
            adjusting.add(admins.submit(() -> adjust(pipeline, new Random(seed), applied, accepted, refused, replayed)));
        }
        try {
            pipeline.drainInParallel(pipeline.routes(), 4, Duration.ofMinutes(3));
            for (Future<?> f : adjusting) {
                f.get();
            }
        } finally {
            admins.shutdownNow();
        }
        pipeline.drain();

        // THEN every order is final, and every unit is accounted for
        DynamoDbOrderStore store = new DynamoDbOrderStore(aws.dynamoDb(), pipeline.table("OrdersTable"), null, null);
        Map<OrderStatus, Integer> outcome = new EnumMap<>(OrderStatus.class);
        long bought = 0;
        for (String[] placed : orders) {
            Order order = store.find(placed[1]).orElseThrow();
            outcome.merge(order.status(), 1, Integer::sum);
            assertThat(order.status()).as(order.orderId())
                    .isIn(OrderStatus.CONFIRMED, OrderStatus.REJECTED, OrderStatus.PAYMENT_FAILED);
            if (order.isIn(OrderStatus.CONFIRMED)) {
                bought += order.lines().getFirst().quantity();
            }
        }
        long[] stock = pipeline.stock(SKU);
        long ledgerSum = 0;
        int ledgerEntries = 0;
        for (Map<String, AttributeValue> entry : aws.dynamoDb().queryPaginator(b -> b.tableName(pipeline.table("StockLedgerTable"))
                .keyConditionExpression("sku = :s").expressionAttributeValues(Map.of(":s", AttributeValue.fromS(SKU)))).items()) {
            ledgerSum += Long.parseLong(entry.get("delta").n());
            ledgerEntries++;
            assertThat(entry.get("actorId").s()).isEqualTo("admin");
        }
        System.out.printf("stock conservation: %d orders -> %s; adjustments %d accepted (%+d units), %d refused (409), "
                + "%d replayed; stock %d/%d/%d%n", ORDERS, outcome, accepted.get(), applied.get(), refused.get(),
                replayed.get(), stock[0], stock[1], stock[2]);
        assertThat(stock[0] + stock[1] + stock[2]).as("available + reserved + sold = received")
                .isEqualTo(SEEDED + applied.get());
        assertThat(stock[1]).as("nothing left reserved").isZero();
        assertThat(stock[2]).as("sold = what the confirmed orders bought").isEqualTo(bought);
        assertThat(ledgerSum).isEqualTo(applied.get());
        assertThat(ledgerEntries).isEqualTo(accepted.get());
        assertThat(accepted.get()).isPositive();
        assertThat(outcome.get(OrderStatus.CONFIRMED)).isPositive();
        ConcurrencyIT.assertDeadLetterQueuesEmpty(pipeline);
    }

    /** Adjustments of -6..+6 units; every fifth repeats the previous request (same key and body). */
    private static Void adjust(Pipeline pipeline, Random random, AtomicLong applied, AtomicInteger accepted,
                               AtomicInteger refused, AtomicInteger replayed) {
        String lastKey = null;
        long lastDelta = 0;
        String lastReason = null;
        for (int i = 0; i < ADJUSTMENTS_EACH; i++) {
            boolean repeat = lastKey != null && i % 5 == 4;
            String key = repeat ? lastKey : "adj-" + UUID.randomUUID();
            long delta = repeat ? lastDelta : (random.nextBoolean() ? 1 : -1) * (1 + random.nextInt(6));
            String reason = repeat ? lastReason : "count " + i;
            APIGatewayV2HTTPResponse response = pipeline.admin.handleRequest(
                    CustomerLimitsIT.adjustStock(SKU, key, delta, reason), null);
            if (response.getStatusCode() == 201 && "true".equals(response.getHeaders().get("idempotent-replayed"))) {
                replayed.incrementAndGet();
                continue;
            }
            if (response.getStatusCode() == 201) {
                applied.addAndGet(delta);
                accepted.incrementAndGet();
                lastKey = key;
                lastDelta = delta;
                lastReason = reason;
            } else if (response.getStatusCode() == 409 && response.getBody().contains("insufficient-stock")) {
                refused.incrementAndGet();
            } else {
                throw new AssertionError("adjustment " + delta + ": " + response.getStatusCode() + " " + response.getBody());
            }
        }
        return null;
    }
}
