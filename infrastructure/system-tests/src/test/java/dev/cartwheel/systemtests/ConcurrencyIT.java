package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cartwheel.aws.dynamodb.DynamoDbOrderStore;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.systemtests.faults.Faults;
import dev.cartwheel.systemtests.faults.TransactionWatch;
import dev.cartwheel.testing.AwsEmulators;
import dev.cartwheel.testing.AwsEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Many buyers, little stock: never oversold, never negative, all or nothing, every order final. These are stress runs:
 * they force no interleaving, but they assert that contention happened ({@link TransactionWatch}: reservations in
 * flight at once on one stock counter, and the rejections refused by DynamoDB's condition on it). DynamoDB Local
 * serialises transactions, so it never answers {@code TransactionConflict} as DynamoDB does; that answer is injected
 * ({@code DynamoDbFaults}) in FaultInjectionIT and the soak.
 */
@ExtendWith(AwsEmulators.class)
class ConcurrencyIT {

    private static final int PLACING_THREADS = 8;
    private static final int PUMPS = 4;

    @Test
    void twoHundredBuyersForTheLastTenUnits_tenConfirmed_190Rejected_stockZero(AwsEnvironment aws) throws Exception {
        flashSale(aws, 200, 10);
    }

    @Tag("soak")
    @Test
    void twoThousandBuyersForTheLastHundredUnits(AwsEnvironment aws) throws Exception {
        flashSale(aws, 2000, 100);
    }

    @Test
    void multiSkuOrdersRacingOnOverlappingSkus_reserveAllOrNothing_andAllEndFinal(AwsEnvironment aws) throws Exception {
        overlapping(aws, 80, 6, 42);
    }

    @Tag("soak")
    @Test
    void multiSkuOrdersRacingOnOverlappingSkus_long(AwsEnvironment aws) throws Exception {
        overlapping(aws, 800, 40, 7);
    }

    private static void flashSale(AwsEnvironment aws, int buyers, int units) throws Exception {
        // GIVEN
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        pipeline.seed("FLASH-SALE", "Flash sale item", 999, units);
        Map<String, Long> initial = Map.of("FLASH-SALE", (long) units);
        List<String[]> orders = placeConcurrently(pipeline, buyers, i -> Pipeline.orderBody("pm_card_visa", "FLASH-SALE", 1));

        // WHEN the queues are pumped by several concurrent "instances" while a sampler watches the stock
        AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleWithFixedDelay(() -> pipeline.allStock().values()
                .forEach(c -> lowest.accumulateAndGet(Math.min(c[0], c[1]), Math::min)), 0, 20, TimeUnit.MILLISECONDS);
        try {
            pipeline.drainInParallel(pipeline.routes(), PUMPS, Duration.ofMinutes(buyers > 500 ? 20 : 3));
        } finally {
            sampler.shutdown();
            assertThat(sampler.awaitTermination(1, TimeUnit.MINUTES)).as("the stock sampler stopped").isTrue();
        }

        // THEN
        Map<OrderStatus, Integer> outcome = outcomes(pipeline, orders);
        TransactionWatch transactions = wiring.transactions;
        System.out.printf("flash sale: %d buyers, %d units -> %s; lowest counter seen while draining: %d; %d transactions,"
                + " at most %d at once on one item, cancelled %s%n", buyers, units, outcome, lowest.get(),
                transactions.transactions(), transactions.mostAtOnceOnOneItem(), transactions.cancelledBy());
        assertContention(transactions, buyers - units);
        assertThat(outcome).isEqualTo(Map.of(OrderStatus.CONFIRMED, units, OrderStatus.REJECTED, buyers - units));
        assertThat(pipeline.stock("FLASH-SALE")).containsExactly(0, 0, units);
        assertThat(lowest.get()).as("available and reserved never negative").isGreaterThanOrEqualTo(0);
        assertConservation(pipeline, initial);
        assertDeadLetterQueuesEmpty(pipeline);
        assertThat(aws.mailbox().messages().stream()
                .filter(m -> orders.stream().anyMatch(o -> m.subject().contains(o[1]))).count()).isEqualTo(buyers);
    }

    private static void overlapping(AwsEnvironment aws, int count, int unitsPerSku, long seed) throws Exception {
        // GIVEN four SKUs, each order asking for two or three of them, so that orders compete on every pair
        Wiring wiring = new Wiring(Faults.none());
        Pipeline pipeline = new Pipeline(aws, wiring::handlers);
        List<String> skus = List.of("RACE-A", "RACE-B", "RACE-C", "RACE-D");
        Map<String, Long> initial = new HashMap<>();
        skus.forEach(sku -> {
            pipeline.seed(sku, sku, 500, unitsPerSku);
            initial.put(sku, (long) unitsPerSku);
        });
        Random random = new Random(seed);
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<String> shuffled = new ArrayList<>(skus);
            Collections.shuffle(shuffled, random);
            int lines = 2 + random.nextInt(2);
            Object[] pairs = new Object[lines * 2];
            for (int l = 0; l < lines; l++) {
                pairs[2 * l] = shuffled.get(l);
                pairs[2 * l + 1] = 1 + random.nextInt(2);
            }
            bodies.add(Pipeline.orderBody("pm_card_visa", pairs));
        }
        List<String[]> orders = placeConcurrently(pipeline, count, bodies::get);

        // WHEN
        pipeline.drainInParallel(pipeline.routes(), PUMPS, Duration.ofMinutes(count > 500 ? 20 : 3));

        // THEN every order is final; what the confirmed orders bought is exactly what was sold, nothing else moved
        DynamoDbOrderStore store = new DynamoDbOrderStore(aws.dynamoDb(), pipeline.table("OrdersTable"), null, null);
        Map<String, Long> bought = new HashMap<>();
        Map<OrderStatus, Integer> outcome = new EnumMap<>(OrderStatus.class);
        for (String[] placed : orders) {
            Order order = store.find(placed[1]).orElseThrow();
            outcome.merge(order.status(), 1, Integer::sum);
            assertThat(order.status()).as(order.orderId()).isIn(OrderStatus.CONFIRMED, OrderStatus.REJECTED);
            if (order.status() == OrderStatus.CONFIRMED) {
                order.lines().forEach(line -> bought.merge(line.sku(), (long) line.quantity(), Long::sum));
            } else {
                assertThat(order.unavailableSkus()).isNotEmpty();
                assertThat(order.lines().stream().map(OrderLine::sku)).containsAll(order.unavailableSkus());
            }
        }
        TransactionWatch transactions = wiring.transactions;
        System.out.printf("overlapping skus: %d orders -> %s; sold %s; %d transactions, at most %d at once on one item,"
                + " cancelled %s%n", count, outcome, bought, transactions.transactions(),
                transactions.mostAtOnceOnOneItem(), transactions.cancelledBy());
        assertThat(outcome.get(OrderStatus.CONFIRMED)).isPositive();
        assertThat(outcome.get(OrderStatus.REJECTED)).isPositive();
        assertContention(transactions, outcome.get(OrderStatus.REJECTED));
        for (String sku : skus) {
            long sold = bought.getOrDefault(sku, 0L);
            assertThat(pipeline.stock(sku)).as(sku).containsExactly(unitsPerSku - sold, 0, sold);
        }
        assertConservation(pipeline, initial);
        assertDeadLetterQueuesEmpty(pipeline);
    }

    /**
     * The race happened: transactions were in flight at once on one stock counter, and every one of the
     * {@code rejected} orders was refused by DynamoDB's condition on a counter, not decided on a read.
     */
    private static void assertContention(TransactionWatch transactions, long rejected) {
        assertThat(transactions.mostAtOnceOnOneItem()).as("transactions in flight at once on one stock counter")
                .isGreaterThanOrEqualTo(2);
        assertThat(transactions.cancelledBy().getOrDefault("ConditionalCheckFailed", 0L))
                .as("rejections refused by DynamoDB's condition on a counter").isGreaterThanOrEqualTo(rejected);
    }

    /** Places the orders from {@code threads} threads at once; returns {customer, orderId} pairs. */
    static List<String[]> placeConcurrently(Pipeline pipeline, int count, java.util.function.IntFunction<String> body)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(PLACING_THREADS);
        try {
            List<Future<String[]>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    String customer = Pipeline.newCustomer("buyer" + n);
                    return new String[] {customer, pipeline.place(customer, body.apply(n))};
                }));
            }
            List<String[]> placed = new ArrayList<>();
            for (Future<String[]> future : futures) {
                placed.add(future.get());
            }
            return placed;
        } finally {
            pool.shutdownNow();
        }
    }

    static Map<OrderStatus, Integer> outcomes(Pipeline pipeline, List<String[]> orders) {
        Map<OrderStatus, Integer> outcome = new EnumMap<>(OrderStatus.class);
        for (String[] placed : orders) {
            JsonNode order = pipeline.order(placed[0], placed[1]);
            outcome.merge(OrderStatus.valueOf(order.get("status").asText()), 1, Integer::sum);
        }
        return outcome;
    }

    /** For every SKU: initial = available + reserved + sold, and no counter below zero. */
    static void assertConservation(Pipeline pipeline, Map<String, Long> initial) {
        Map<String, long[]> stock = pipeline.allStock();
        assertThat(stock.keySet()).containsExactlyInAnyOrderElementsOf(initial.keySet());
        stock.forEach((sku, c) -> {
            for (long counter : c) {
                assertThat(counter).as(sku + " counters").isNotNegative();
            }
            assertThat(c[0] + c[1] + c[2]).as(sku + ": available + reserved + sold").isEqualTo(initial.get(sku));
        });
    }

    static void assertDeadLetterQueuesEmpty(Pipeline pipeline) {
        for (String dlq : List.of("InventoryDeadLetterQueue", "PaymentDeadLetterQueue", "EmailDeadLetterQueue")) {
            assertThat(pipeline.depth(dlq)).as(dlq).isZero();
        }
    }
}
