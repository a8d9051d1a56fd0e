package dev.cartwheel.systemtests;

import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.OrderStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * What a soak does, decided from its seed alone before anything runs: every order (its id, its client's
 * Idempotency-Key, its customer, its lines, its card, its capture mode), the path it takes and every choice on that
 * path (when it is cancelled, what is refunded and how, whether a webhook comes twice). Each order's choices come
 * from a generator of its own, derived from the seed and the order's number, so the plan does not depend on which
 * thread carries it out; the same seed gives the same plan ({@link #digest()}). The soak's four clients each take a
 * fixed share of it (order {@code i} to client {@code i mod 4}).
 *
 * @param stock every SKU the soak sells and the units it starts with
 */
record SoakPlan(long seed, List<Planned> orders, Map<String, Long> stock) {

    /** The SKUs with ample stock (no order of them is rejected) and their prices. */
    static final Map<String, Long> PRICES = Map.of("SOAK-1", 100L, "SOAK-2", 200L, "SOAK-3", 300L, "SOAK-4", 400L,
            "SOAK-5", 500L, "SOAK-6", 600L);
    /** The SKU the {@link Path#SCARCE_STOCK} orders compete for: about half of them get it. */
    static final String SCARCE = "SOAK-SCARCE";
    static final long SCARCE_PRICE = 250;

    /** An order's way through the system, and how it may end. */
    enum Path {
        /** Approved and captured at once: CONFIRMED. */
        APPROVED(14, OrderStatus.CONFIRMED),
        /** The card is declined: PAYMENT_FAILED. */
        DECLINED(6, OrderStatus.PAYMENT_FAILED),
        /** 3-D Secure: PAYMENT_PENDING, the customer authenticates at the simulator, Stripe's signed webhook completes it. */
        THREE_DS_COMPLETED(8, OrderStatus.CONFIRMED),
        /** 3-D Secure failed at the simulator, the webhook tells: PAYMENT_FAILED. */
        THREE_DS_FAILED(3, OrderStatus.PAYMENT_FAILED),
        /** 3-D Secure never finished: expired by the reconciler, the intent voided; Stripe's late events change nothing. */
        THREE_DS_ABANDONED(4, OrderStatus.EXPIRED),
        /**
         * Cancelled by its customer while the pipeline works on it: right after placing it, once it is RESERVED (waiting
         * for the payment step), or once it is PAID (waiting for the e-mail step); see {@link Planned#cancelAt}.
         */
        CANCELLED_IN_FLIGHT(10, OrderStatus.CANCELLED),
        /** Cancelled after its confirmation: the capture refunded, the sold stock back. */
        CANCELLED_AFTER_CONFIRMATION(5, OrderStatus.CANCELLED),
        /** One or two partial admin refunds (two at once half the time; a repeated key answers the same). */
        PARTIAL_REFUNDS(8, OrderStatus.CONFIRMED),
        /** Refunded in full (in one refund or two at once), then one more minor unit is refused. */
        FULL_REFUND(5, OrderStatus.CONFIRMED),
        /** Refunded at Stripe's dashboard (the simulator), learnt from the signed {@code charge.refunded} webhook. */
        DASHBOARD_REFUND(6, OrderStatus.CONFIRMED),
        /** Captured on authorization, then shipped (sometimes refunded in part afterwards): FULFILLED. */
        FULFILLED_CAPTURED_ON_AUTHORIZATION(8, OrderStatus.FULFILLED),
        /** {@code CaptureOn=fulfilment}: held AUTHORIZED, then the fulfilment makes the payment step capture: FULFILLED. */
        FULFILLED_CAPTURED_ON_FULFILMENT(8, OrderStatus.FULFILLED),
        /** {@code CaptureOn=fulfilment}: held, then cancelled: the hold voided. */
        HELD_THEN_CANCELLED(4, OrderStatus.CANCELLED),
        /** {@code CaptureOn=fulfilment}: held, never shipped: expired an hour before the hold ends, the hold voided. */
        HELD_THEN_EXPIRED(4, OrderStatus.EXPIRED),
        /** The warehouse's fulfilment and the customer's cancel sent at once (either capture mode): one wins. */
        FULFILMENT_RACING_CANCEL(5, OrderStatus.FULFILLED, OrderStatus.CANCELLED),
        /** Orders competing for a SKU with stock for about half of them: CONFIRMED or REJECTED. */
        SCARCE_STOCK(5, OrderStatus.CONFIRMED, OrderStatus.REJECTED);

        final int weight;
        final Set<OrderStatus> endings;

        Path(int weight, OrderStatus first, OrderStatus... more) {
            this.weight = weight;
            this.endings = EnumSet.of(first, more);
        }

        /** The status an order of this path rests in once the pipeline is done with it and before its next action. */
        Set<OrderStatus> resting(CapturePolicy capture) {
            return switch (this) {
                case DECLINED -> EnumSet.of(OrderStatus.PAYMENT_FAILED);
                case THREE_DS_COMPLETED, THREE_DS_FAILED, THREE_DS_ABANDONED -> EnumSet.of(OrderStatus.PAYMENT_PENDING);
                case CANCELLED_IN_FLIGHT -> EnumSet.of(OrderStatus.CANCELLED);
                case SCARCE_STOCK -> EnumSet.of(OrderStatus.CONFIRMED, OrderStatus.REJECTED);
                default -> EnumSet.of(capture == CapturePolicy.ON_FULFILMENT ? OrderStatus.AUTHORIZED : OrderStatus.CONFIRMED);
            };
        }
    }

    record Line(String sku, int quantity, long price) {
    }

    /**
     * One planned order.
     *
     * @param retries     whether its client retries a placement that crashed (else the reconciler finds it)
     * @param cancelAt    {@link Path#CANCELLED_IN_FLIGHT}: the status its client waits for before cancelling it
     *                    (PENDING: at once; RESERVED; PAID, captured on authorization only, since an order captured on
     *                    fulfilment rests AUTHORIZED, which is {@link Path#HELD_THEN_CANCELLED}); null otherwise
     * @param refunds     the admin refunds to ask for, in minor units, in order; for {@link Path#DASHBOARD_REFUND} the
     *                    one refund made at Stripe's dashboard
     * @param together    the (two) refunds are sent at once, from two threads
     * @param again       a refund's key is sent again once it completed, or Stripe's webhook comes twice
     */
    record Planned(int index, String orderId, String idempotencyKey, int customer, Path path, CapturePolicy capture,
                 String token, List<Line> lines, boolean retries, OrderStatus cancelAt, List<Long> refunds, boolean together,
                 boolean again) {

        long total() {
            return lines.stream().mapToLong(line -> line.price() * line.quantity()).sum();
        }

        String body() {
            Object[] pairs = new Object[lines.size() * 2];
            for (int l = 0; l < lines.size(); l++) {
                pairs[2 * l] = lines.get(l).sku();
                pairs[2 * l + 1] = lines.get(l).quantity();
            }
            return Pipeline.orderBody(token, pairs);
        }
    }

    /** The customers the orders are spread over. */
    static final int CUSTOMERS = 12;

    static SoakPlan of(long seed, int count) {
        if (count < Path.values().length) {
            throw new IllegalArgumentException("a soak of every path needs at least " + Path.values().length + " orders");
        }
        // the first orders take every path once (in an order drawn from the seed), the rest by weight
        List<Path> firsts = new ArrayList<>(Arrays.asList(Path.values()));
        SplittableRandom shuffle = generator(seed, -1);
        for (int i = firsts.size() - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            Path swap = firsts.get(i);
            firsts.set(i, firsts.get(j));
            firsts.set(j, swap);
        }
        int totalWeight = Arrays.stream(Path.values()).mapToInt(p -> p.weight).sum();
        List<Planned> orders = new ArrayList<>();
        long scarceDemand = 0;
        for (int i = 0; i < count; i++) {
            SplittableRandom r = generator(seed, i);
            Path path = i < firsts.size() ? firsts.get(i) : byWeight(r.nextInt(totalWeight));
            String orderId = "ord_" + new UUID(r.nextLong(), r.nextLong());
            CapturePolicy capture = switch (path) {
                case FULFILLED_CAPTURED_ON_FULFILMENT, HELD_THEN_CANCELLED, HELD_THEN_EXPIRED -> CapturePolicy.ON_FULFILMENT;
                case CANCELLED_IN_FLIGHT, FULFILMENT_RACING_CANCEL ->
                        r.nextBoolean() ? CapturePolicy.ON_FULFILMENT : CapturePolicy.ON_AUTHORIZATION;
                default -> CapturePolicy.ON_AUTHORIZATION;
            };
            String token = switch (path) {
                case DECLINED -> r.nextBoolean() ? "pm_card_chargeDeclined" : "pm_card_chargeDeclinedInsufficientFunds";
                case THREE_DS_COMPLETED, THREE_DS_FAILED, THREE_DS_ABANDONED -> "pm_card_authenticationRequired";
                default -> r.nextInt(3) == 0 ? "pm_card_mastercard" : "pm_card_visa";
            };
            List<String> skus = new ArrayList<>(PRICES.keySet().stream().sorted().toList());
            List<Line> lines = new ArrayList<>();
            if (path == Path.SCARCE_STOCK) {
                int quantity = 1 + r.nextInt(2);
                lines.add(new Line(SCARCE, quantity, SCARCE_PRICE));
                scarceDemand += quantity;
            }
            int n = 1 + r.nextInt(3);
            for (int l = 0; l < n && !(path == Path.SCARCE_STOCK && l > 0); l++) {
                String sku = skus.remove(r.nextInt(skus.size()));
                lines.add(new Line(sku, 1 + r.nextInt(3), PRICES.get(sku)));
            }
            long total = lines.stream().mapToLong(line -> line.price() * line.quantity()).sum();
            List<Long> refunds = new ArrayList<>();
            boolean together = false;
            boolean again = r.nextInt(3) == 0;
            switch (path) {
                case PARTIAL_REFUNDS -> {
                    refunds.add(1 + r.nextLong(total / 3));
                    if (r.nextBoolean()) {
                        refunds.add(1 + r.nextLong(total / 3));
                        together = r.nextBoolean();
                    }
                }
                case FULL_REFUND -> {
                    if (r.nextBoolean()) {
                        long half = total / 2;
                        refunds.add(half);
                        refunds.add(total - half);
                        together = true;
                    } else {
                        refunds.add(total);
                    }
                }
                case DASHBOARD_REFUND -> refunds.add(r.nextBoolean() ? total : 1 + r.nextLong(total - 1));
                case FULFILLED_CAPTURED_ON_AUTHORIZATION, FULFILLED_CAPTURED_ON_FULFILMENT -> {
                    if (r.nextInt(3) == 0) {
                        refunds.add(1 + r.nextLong(total / 2));
                    }
                }
                default -> {
                }
            }
            orders.add(new Planned(i, orderId, "soak-" + seed + "-" + i, r.nextInt(CUSTOMERS), path, capture, token,
                    List.copyOf(lines), r.nextBoolean(), path == Path.CANCELLED_IN_FLIGHT ? cancelAt(r, capture) : null,
                    List.copyOf(refunds), together, again));
        }
        Map<String, Long> stock = new LinkedHashMap<>();
        PRICES.keySet().stream().sorted().forEach(sku -> stock.put(sku, 3L * count + 10));
        stock.put(SCARCE, Math.max(1, scarceDemand / 2));
        return new SoakPlan(seed, List.copyOf(orders), Map.copyOf(stock));
    }

    /** Where an order cancelled in flight is cancelled: PENDING, RESERVED or (captured on authorization) PAID. */
    private static OrderStatus cancelAt(SplittableRandom r, CapturePolicy capture) {
        List<OrderStatus> stages = capture == CapturePolicy.ON_FULFILMENT
                ? List.of(OrderStatus.PENDING, OrderStatus.RESERVED)
                : List.of(OrderStatus.PENDING, OrderStatus.RESERVED, OrderStatus.PAID);
        return stages.get(r.nextInt(stages.size()));
    }

    /** The orders client {@code client} of {@code clients} carries out, in plan order. */
    List<Planned> share(int client, int clients) {
        return orders.stream().filter(order -> order.index() % clients == client).toList();
    }

    /** A short fingerprint of the whole plan: the same seed and size give the same digest. */
    String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(
                    (orders.toString() + new java.util.TreeMap<>(stock)).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path byWeight(int draw) {
        for (Path path : Path.values()) {
            draw -= path.weight;
            if (draw < 0) {
                return path;
            }
        }
        throw new IllegalStateException("weights");
    }

    /** A generator of its own for each order (and {@code -1} for the plan's own draws), derived from the seed. */
    static SplittableRandom generator(long seed, long index) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + (index + 2) * 0xBF58476D1CE4E5B9L);
    }
}
