package dev.cartwheel.core.checkout;

import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.IDEMPOTENCY_KEY_REUSED;
import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.UNKNOWN_SKU;

import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.exceptions.IdempotencyKeyInUseException;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.messaging.StepPublisher;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.IdempotencyRecord;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.order.Retry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Places orders and reads them back for their owner.
 *
 * <p>Placing is idempotent by the customer's {@code Idempotency-Key}: the order and the key's record
 * are written in one transaction, then {@code OrderPlaced} is sent. A retry with the same key and body
 * finds the order and sends the message again (the inventory step ignores duplicates), so a crash between
 * the write and the send is repaired by the client's retry or by the reconciler.
 */
public final class CheckoutService {

    /** How long an idempotency key binds its order. */
    public static final Duration IDEMPOTENCY_WINDOW = Duration.ofHours(24);

    private final OrderStore orders;
    private final ProductCatalog catalog;
    private final StepPublisher publisher;
    private final Clock clock;
    private final Supplier<String> orderIds;
    private final CapturePolicy capture;
    private final int maxOpenOrders;

    /** Orders captured on authorization. */
    public CheckoutService(OrderStore orders, ProductCatalog catalog, StepPublisher publisher,
                           Clock clock, Supplier<String> orderIds) {
        this(orders, catalog, publisher, clock, orderIds, CapturePolicy.ON_AUTHORIZATION);
    }

    /** @param capture when the orders placed here are captured (template parameter {@code CaptureOn}) */
    public CheckoutService(OrderStore orders, ProductCatalog catalog, StepPublisher publisher,
                           Clock clock, Supplier<String> orderIds, CapturePolicy capture) {
        this(orders, catalog, publisher, clock, orderIds, capture, Integer.MAX_VALUE);
    }

    /**
     * @param maxOpenOrders how many open unpaid orders one customer may hold (template parameter
     *                      {@code MaxOpenOrdersPerCustomer}); placing one more is {@code 429 too-many-open-orders}
     */
    public CheckoutService(OrderStore orders, ProductCatalog catalog, StepPublisher publisher,
                           Clock clock, Supplier<String> orderIds, CapturePolicy capture, int maxOpenOrders) {
        if (maxOpenOrders < 1) {
            throw new IllegalArgumentException("maxOpenOrders must be at least 1");
        }
        this.maxOpenOrders = maxOpenOrders;
        this.orders = orders;
        this.catalog = catalog;
        this.publisher = publisher;
        this.clock = clock;
        this.orderIds = orderIds;
        this.capture = capture;
    }

    public PlacedOrder placeOrder(Caller caller, String idempotencyKey, PlaceOrderRequest request, String correlationId) {
        OrderRequestValidator.validateIdempotencyKey(idempotencyKey);
        OrderRequestValidator.validate(request);
        String email = OrderRequestValidator.requireEmail(caller);
        String recordKey = caller.customerId() + "#" + idempotencyKey;
        String requestHash = hash(request);
        if (maxOpenOrders != Integer.MAX_VALUE && orders.countOpenUnpaid(caller.customerId(), maxOpenOrders) >= maxOpenOrders) {
            // a retry of an order already placed is answered as before, not refused
            return replay(recordKey, requestHash).orElseThrow(() -> new InvalidRequestException(
                    InvalidRequestException.Problem.TOO_MANY_OPEN_ORDERS, "customer", "you already have " + maxOpenOrders
                    + " unpaid orders open: pay or cancel one, or wait for it to expire, before placing another"));
        }

        // The happy path writes first and reads nothing: a retry is recognised by the transaction's condition
        // on the key, and only then is the earlier order read back.
        Order order = Order.place(orderIds.get(), caller.customerId(), email, correlationId,
                price(request), request.paymentToken(), clock.instant()).withCapturePolicy(capture);
        Instant expiresAt = order.createdAt().plus(IDEMPOTENCY_WINDOW);
        try {
            IdempotencyRecord record = new IdempotencyRecord(recordKey, requestHash, order.orderId(), expiresAt);
            Retry.onConflict(() -> {
                orders.create(order, record);
                return order;
            });
        } catch (IdempotencyKeyInUseException raced) {
            return replay(recordKey, requestHash).orElseThrow(() -> raced);
        }
        publisher.publish(StepMessage.of(MessageType.ORDER_PLACED, order.orderId(), correlationId));
        return new PlacedOrder(order, false);
    }

    /** The caller's order; another customer's order is reported as not found, never as forbidden. */
    public Order getOrder(Caller caller, String orderId) {
        return orders.find(orderId)
                .filter(order -> order.customerId().equals(caller.customerId()))
                .orElseThrow(() -> new OrderNotFoundException(orderId));
    }

    /** Any order, for an admin (the route checked the caller's rights). */
    public Order getAnyOrder(String orderId) {
        return orders.find(orderId).orElseThrow(() -> new OrderNotFoundException(orderId));
    }

    public OrderPage listOrders(Caller caller, String cursor, int limit) {
        return orders.listByCustomer(caller.customerId(), cursor, limit);
    }

    private Optional<PlacedOrder> replay(String recordKey, String requestHash) {
        return orders.findIdempotencyRecord(recordKey).map(record -> {
            if (!record.requestHash().equals(requestHash)) {
                throw new InvalidRequestException(IDEMPOTENCY_KEY_REUSED, "Idempotency-Key",
                        "this Idempotency-Key was used for a different request; use a new key for a new order");
            }
            Order order = orders.find(record.orderId()).orElseThrow(() -> new OrderNotFoundException(record.orderId()));
            publisher.publish(StepMessage.of(MessageType.ORDER_PLACED, order.orderId(), order.correlationId()));
            return new PlacedOrder(order, true);
        });
    }

    private List<OrderLine> price(PlaceOrderRequest request) {
        List<String> skus = request.items().stream().map(LineItemRequest::sku).toList();
        Map<String, Product> products = catalog.findAll(skus);
        List<OrderLine> lines = new ArrayList<>();
        String currency = null;
        for (int i = 0; i < request.items().size(); i++) {
            LineItemRequest item = request.items().get(i);
            Product product = products.get(item.sku());
            if (product == null) {
                throw new InvalidRequestException(UNKNOWN_SKU, "/items/" + i + "/sku", "unknown sku " + item.sku());
            }
            if (currency != null && !currency.equals(product.price().currency())) {
                throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_FIELD, "/items/" + i + "/sku",
                        "all items of one order must be priced in one currency");
            }
            currency = product.price().currency();
            if (product.findMaxPerOrder().isPresent() && item.quantity() > product.findMaxPerOrder().getAsInt()) {
                throw new InvalidRequestException(InvalidRequestException.Problem.INVALID_FIELD, "/items/" + i + "/quantity",
                        "at most " + product.maxPerOrder() + " of " + item.sku() + " per order");
            }
            lines.add(new OrderLine(product.sku(), product.name(), item.quantity(), product.price()));
        }
        return lines;
    }

    /** A digest of what the request asks for, independent of JSON formatting and field order. */
    static String hash(PlaceOrderRequest request) {
        StringBuilder canonical = new StringBuilder();
        request.items().forEach(item -> canonical.append(item.sku()).append('=').append(item.quantity()).append(';'));
        canonical.append('|').append(request.paymentToken());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
