package dev.cartwheel.core.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.exceptions.OrderNotFoundException;
import dev.cartwheel.core.messaging.MessageType;
import dev.cartwheel.core.messaging.StepMessage;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.pricing.PricingMode;
import dev.cartwheel.core.shipping.ShippingAddress;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import dev.cartwheel.core.tax.CountryTaxRates;
import dev.cartwheel.core.tax.TaxRate;
import dev.cartwheel.core.tax.TaxRateSet;
import dev.cartwheel.core.testing.InMemoryPorts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Placing an order on the core's ports alone: priced, written with its key and address once, OrderPlaced sent. */
class CheckoutServiceTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final Caller ALICE = new Caller("alice", "alice@example.com", Set.of("orders/write"));
    private static final ShippingAddress SAN_FRANCISCO = new ShippingAddress("Alice Example", "1 Market Street", null,
            "San Francisco", "CA", "94105", "US", null);

    private final InMemoryPorts ports = new InMemoryPorts();
    private final AtomicInteger ids = new AtomicInteger();

    CheckoutServiceTest() {
        ports.catalog.add("ESPRESSO-CUP", "Espresso cup", new Money(1250, "USD"), 10);
        ports.rules.putShippingMethod(new ShippingMethod("standard", "Standard",
                List.of(new ShippingZone("us", Set.of("US"), new Money(500, "USD"))), null, 3, 5));
        ports.rules.putTaxRates(new CountryTaxRates("US", new TaxRateSet(TaxRate.ofPercent("10"), Map.of()), Map.of()));
    }

    private CheckoutService checkout(CapturePolicy capture, int maxOpenOrders) {
        return new CheckoutService(ports.orders, ports.catalog, ports.rules, PricingMode.NET, ports.publisher,
                Clock.fixed(T0, ZoneOffset.UTC), () -> "ord_" + ids.incrementAndGet(), capture, maxOpenOrders);
    }

    private final CheckoutService checkout = checkout(CapturePolicy.ON_AUTHORIZATION, 5);

    private static PlaceOrderRequest cups(int quantity) {
        return new PlaceOrderRequest(List.of(new LineItemRequest("ESPRESSO-CUP", quantity)), "pm_card_visa", SAN_FRANCISCO,
                "standard");
    }

    @Test
    void placeOrder_writesThePricedOrderWithItsKeyAndAddressOnce_sendsOrderPlaced_andReservesNothingYet() {
        // WHEN
        PlacedOrder placed = checkout.placeOrder(ALICE, "key-00000001", cups(2), "corr-1");

        // THEN the order is priced (2 x 12.50 + 5.00 shipping, 10% on both) and frozen
        Order order = placed.order();
        assertThat(placed.replayed()).isFalse();
        assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(order.customerId()).isEqualTo("alice");
        assertThat(order.email()).isEqualTo("alice@example.com");
        assertThat(order.total()).isEqualTo(new Money(3300, "USD"));
        assertThat(order.findPricing().orElseThrow().tax()).isEqualTo(new Money(300, "USD"));
        assertThat(order.capture()).isEqualTo(CapturePolicy.ON_AUTHORIZATION);
        // AND it is stored with its key and address, and OrderPlaced goes to the inventory step
        assertThat(ports.orders.all()).containsExactly(order);
        assertThat(ports.orders.findIdempotencyRecord("alice#key-00000001").orElseThrow().orderId()).isEqualTo(order.orderId());
        assertThat(ports.orders.findShippingAddress(order.orderId())).contains(SAN_FRANCISCO);
        assertThat(ports.publisher.sent()).containsExactly(StepMessage.of(MessageType.ORDER_PLACED, order.orderId(), "corr-1"));
        assertThat(ports.catalog.stock("ESPRESSO-CUP")).containsExactly(10, 0, 0);
    }

    @Test
    void theSameKeyAndBodyTwice_placesOneOrder_answersTheRetryWithIt_andSendsOrderPlacedAgain() {
        PlacedOrder first = checkout.placeOrder(ALICE, "key-00000001", cups(2), "corr-1");
        PlacedOrder retry = checkout.placeOrder(ALICE, "key-00000001", cups(2), "corr-2");

        assertThat(retry.replayed()).isTrue();
        assertThat(retry.order()).isEqualTo(first.order());
        assertThat(ports.orders.all()).hasSize(1);
        assertThat(ports.publisher.sent()).as("the retry repairs a send that a crash lost; the inventory step ignores a duplicate")
                .extracting(StepMessage::orderId).containsExactly(first.order().orderId(), first.order().orderId());
    }

    @Test
    void theSameKeyForAnotherBody_isRefusedAsReused_andChangesNothing() {
        checkout.placeOrder(ALICE, "key-00000001", cups(2), "corr-1");

        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000001", cups(3), "corr-1"), Problem.IDEMPOTENCY_KEY_REUSED);

        assertThat(ports.orders.all()).hasSize(1);
        assertThat(ports.publisher.sent()).hasSize(1);
    }

    @Test
    void theSameKeyFromAnotherCustomer_isAnotherOrder() {
        checkout.placeOrder(ALICE, "key-00000001", cups(2), "corr-1");
        checkout.placeOrder(new Caller("bob", "bob@example.com", Set.of("orders/write")), "key-00000001", cups(2), "corr-2");

        assertThat(ports.orders.all()).extracting(Order::customerId).containsExactly("alice", "bob");
    }

    @Test
    void badRequests_areRefusedWithTheirProblem_andWriteAndSendNothing() {
        ports.catalog.put(new dev.cartwheel.core.catalog.Product("LIMITED", "Limited", new Money(100, "USD"), 10, 0, 0, 1, 1, null));
        ShippingAddress berlin = new ShippingAddress("Alice", "Unter den Linden 1", null, "Berlin", null, "10117", "DE", null);

        assertProblem(() -> checkout.placeOrder(ALICE, null, cups(1), "c"), Problem.MISSING_HEADER);
        assertProblem(() -> checkout.placeOrder(ALICE, "short", cups(1), "c"), Problem.INVALID_HEADER);
        assertProblem(() -> checkout.placeOrder(new Caller("carol", null, Set.of()), "key-00000002", cups(1), "c"),
                Problem.MISSING_CLAIM);
        assertProblem(() -> checkout.placeOrder(new Caller("dave", "dave@example.com", Set.of(), Set.of(), true),
                "key-00000003", cups(1), "c"), Problem.EMAIL_UNVERIFIED);
        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000004", new PlaceOrderRequest(
                List.of(new LineItemRequest("NO-SUCH-SKU", 1)), "pm_card_visa", SAN_FRANCISCO, "standard"), "c"), Problem.UNKNOWN_SKU);
        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000005", new PlaceOrderRequest(
                List.of(new LineItemRequest("LIMITED", 2)), "pm_card_visa", SAN_FRANCISCO, "standard"), "c"), Problem.INVALID_FIELD);
        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000006", new PlaceOrderRequest(
                List.of(new LineItemRequest("ESPRESSO-CUP", 1)), "pm_card_visa", berlin, "standard"), "c"), Problem.NOT_SHIPPED_TO);
        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000007", new PlaceOrderRequest(
                List.of(new LineItemRequest("ESPRESSO-CUP", 1)), "pm_card_visa", SAN_FRANCISCO, "express"), "c"),
                Problem.UNKNOWN_SHIPPING_METHOD);
        assertProblem(() -> checkout.placeOrder(ALICE, "key-00000008", new PlaceOrderRequest(
                List.of(new LineItemRequest("ESPRESSO-CUP", 1)), "4242424242424242", SAN_FRANCISCO, "standard"), "c"),
                Problem.CARD_DATA_REJECTED);

        assertThat(ports.orders.all()).isEmpty();
        assertThat(ports.orders.findIdempotencyRecord("alice#key-00000004")).isEmpty();
        assertThat(ports.publisher.sent()).isEmpty();
    }

    @Test
    void aCustomerAtTheOpenOrderLimit_isRefusedANewOrder_butGetsTheRetryOfAnOrderPlacedBefore() {
        CheckoutService limited = checkout(CapturePolicy.ON_AUTHORIZATION, 1);
        PlacedOrder first = limited.placeOrder(ALICE, "key-00000001", cups(1), "corr-1");

        assertProblem(() -> limited.placeOrder(ALICE, "key-00000002", cups(1), "corr-2"), Problem.TOO_MANY_OPEN_ORDERS);
        PlacedOrder retry = limited.placeOrder(ALICE, "key-00000001", cups(1), "corr-1");

        assertThat(retry.replayed()).isTrue();
        assertThat(retry.order().orderId()).isEqualTo(first.order().orderId());
        assertThat(ports.orders.all()).hasSize(1);
    }

    @Test
    void ordersPlacedForCaptureOnFulfilment_carryThatPolicy() {
        Order order = checkout(CapturePolicy.ON_FULFILMENT, 5).placeOrder(ALICE, "key-00000001", cups(1), "c").order();

        assertThat(ports.orders.order(order.orderId()).capture()).isEqualTo(CapturePolicy.ON_FULFILMENT);
    }

    @Test
    void anotherCustomersOrder_isNotFound() {
        Order order = checkout.placeOrder(ALICE, "key-00000001", cups(1), "c").order();

        assertThat(checkout.getOrder(ALICE, order.orderId())).isEqualTo(order);
        assertThatThrownBy(() -> checkout.getOrder(new Caller("bob", "bob@example.com", Set.of()), order.orderId()))
                .isInstanceOf(OrderNotFoundException.class);
        assertThatThrownBy(() -> checkout.getOwnOrder(new Caller("bob", "bob@example.com", Set.of()), order.orderId()))
                .isInstanceOf(OrderNotFoundException.class);
    }

    private static void assertProblem(ThrowingCallable call, Problem problem) {
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidRequestException.class,
                e -> assertThat(e.problem()).isEqualTo(problem));
    }
}
