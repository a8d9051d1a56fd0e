package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.instant;
import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.number;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;
import static dev.cartwheel.aws.dynamodb.Attributes.time;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.email.OwedEmails;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.pricing.OrderPricing;
import dev.cartwheel.core.pricing.TaxLine;
import dev.cartwheel.core.shipping.OrderShipping;
import dev.cartwheel.core.tax.AppliedRate;
import dev.cartwheel.core.tax.TaxRate;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderSummary;
import dev.cartwheel.core.order.PaymentDetails;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.order.StatusChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Maps an {@link Order} to its item in the orders table and back. */
final class OrderItems {

    /**
     * Present only while the order is open ({@link Order#isOpen()}: not final, not waiting for its fulfilment) or owes
     * e-mails ({@link OwedEmails#isMarked}), so the GSI on it is sparse: it holds exactly the orders some step or the
     * reconciler still has work for. {@code open#N} and {@code mail#N} spread over {@link #OPEN_SHARDS} values so that
     * the index has no single hot partition key; the reconciler moves an order it nudged to {@code retry#COUNT}, and
     * one it gave up on to {@code parked}. Every write of the whole order sets it afresh.
     */
    static final String OPEN_SHARD = "openShard";
    static final int OPEN_SHARDS = 8;
    /**
     * The prefix of {@link #OPEN_SHARD}'s values for orders whose payment is held until they ship
     * ({@link Order#isAwaitingFulfilment()}): the same sparse index holds them under their own partition keys
     * ({@code hold#0..7}), so the reconciler finds holds near their lapse with a query, never a scan, and its
     * stuck-order queries ({@code open#0..7}) never see them.
     */
    static final String HOLD_PREFIX = "hold#";
    static final String OPEN_PREFIX = "open#";

    /**
     * Present only while the order waits for the warehouse ({@link Order#isAwaitingShipment()}), holding its status
     * ({@code CONFIRMED}, or {@code AUTHORIZED} when captured on fulfilment): the sparse GSI on it is the fulfilment
     * queue, and an order's other writes cost that index nothing.
     */
    static final String SHIPMENT_QUEUE = "shipmentQueue";

    private OrderItems() {
    }

    static String openShard(String orderId) {
        return OPEN_PREFIX + Math.floorMod(orderId.hashCode(), OPEN_SHARDS);
    }

    static String holdShard(String orderId) {
        return HOLD_PREFIX + Math.floorMod(orderId.hashCode(), OPEN_SHARDS);
    }

    /** The index partition of a final order that still owes e-mails ({@link OwedEmails#isMarked}). */
    static String mailShard(String orderId) {
        return "mail#" + Math.floorMod(orderId.hashCode(), OPEN_SHARDS);
    }

    /**
     * The index partition of an order the reconciler nudged {@code nudges} times without a change (the reconciler is
     * its only writer, at most one run's worth of orders at a time, so one partition per count is enough).
     */
    static String retryShard(int nudges) {
        return "retry#" + nudges;
    }

    /** The index partition of the orders the reconciler gave up on: reported, never nudged again. */
    static final String PARKED_SHARD = "parked";

    /** How often the reconciler nudged the order since its last change; any write of the whole order drops it. */
    static final String NUDGES = "nudges";

    static Map<String, AttributeValue> toItem(Order order) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("orderId", s(order.orderId()));
        item.put("customerId", s(order.customerId()));
        item.put("email", s(order.email()));
        item.put("correlationId", s(order.correlationId()));
        item.put("lines", AttributeValue.fromL(order.lines().stream().map(OrderItems::line).toList()));
        item.put("total", money(order.total()));
        item.put("paymentToken", s(order.paymentToken()));
        item.put("status", s(order.status().name()));
        item.put("version", n(order.version()));
        item.put("createdAt", time(order.createdAt()));
        item.put("updatedAt", time(order.updatedAt()));
        item.put("history", AttributeValue.fromL(order.history().stream().map(OrderItems::change).toList()));
        order.findPayment().ifPresent(payment -> item.put("payment", payment(payment)));
        if (order.isOpen()) {
            item.put(OPEN_SHARD, s(openShard(order.orderId())));
        } else if (order.isAwaitingFulfilment()) {
            // held until it ships (CaptureOn=fulfilment): the reconciler watches its authorization hold
            item.put(OPEN_SHARD, s(holdShard(order.orderId())));
        } else if (OwedEmails.isMarked(order)) {
            // the durable "e-mails owed" mark: cleared by the e-mail step once it saw them all sent
            item.put(OPEN_SHARD, s(mailShard(order.orderId())));
        }
        if (order.isAwaitingShipment()) {
            item.put(SHIPMENT_QUEUE, s(order.status().name()));
        }
        item.put("capture", s(order.capture().setting()));
        order.findFulfilment().ifPresent(fulfilment -> item.put("fulfilment", fulfilment(fulfilment)));
        if (!order.unavailableSkus().isEmpty()) {
            item.put("unavailableSkus", AttributeValue.fromL(order.unavailableSkus().stream().map(Attributes::s).toList()));
        }
        order.findCancellation().ifPresent(cancellation -> item.put("cancellation", cancellation(cancellation)));
        if (!order.refunds().isEmpty()) {
            item.put("refunds", AttributeValue.fromL(order.refunds().stream().map(OrderItems::refund).toList()));
        }
        order.findPricing().ifPresent(pricing -> item.put("pricing", pricing(pricing)));
        order.findShipping().ifPresent(shipping -> item.put("shipping", shipping(shipping)));
        return item;
    }

    private static AttributeValue payment(PaymentDetails payment) {
        Map<String, AttributeValue> m = new java.util.HashMap<>(Map.of(
                "paymentId", s(payment.paymentId()), "brand", s(payment.brand()), "last4", s(payment.last4())));
        payment.findNextAction().ifPresent(action -> m.put("nextAction", AttributeValue.fromM(Map.of(
                "type", s(action.type()), "clientSecret", s(action.clientSecret())))));
        return AttributeValue.fromM(m);
    }

    private static PaymentDetails payment(Map<String, AttributeValue> m) {
        AttributeValue action = m.get("nextAction");
        return new PaymentDetails(string(m, "paymentId"), string(m, "brand"), string(m, "last4"),
                action == null ? null : new dev.cartwheel.core.payment.NextAction(string(action.m(), "type"),
                        string(action.m(), "clientSecret")));
    }

    static Order fromItem(Map<String, AttributeValue> item) {
        AttributeValue payment = item.get("payment");
        AttributeValue unavailable = item.get("unavailableSkus");
        AttributeValue cancellation = item.get("cancellation");
        AttributeValue refunds = item.get("refunds");
        AttributeValue capture = item.get("capture");
        AttributeValue fulfilment = item.get("fulfilment");
        AttributeValue pricing = item.get("pricing");
        AttributeValue shipping = item.get("shipping");
        return new Order(
                string(item, "orderId"),
                string(item, "customerId"),
                string(item, "email"),
                string(item, "correlationId"),
                item.get("lines").l().stream().map(v -> line(v.m())).toList(),
                money(item.get("total").m()),
                string(item, "paymentToken"),
                OrderStatus.valueOf(string(item, "status")),
                number(item, "version"),
                instant(item, "createdAt"),
                instant(item, "updatedAt"),
                item.get("history").l().stream().map(v -> change(v.m())).toList(),
                payment == null ? null : payment(payment.m()),
                unavailable == null ? List.of() : unavailable.l().stream().map(AttributeValue::s).toList(),
                cancellation == null ? null : cancellation(cancellation.m()),
                refunds == null ? List.of() : refunds.l().stream().map(v -> refund(v.m())).toList(),
                // orders written before the capture policy existed were captured on authorization
                capture == null ? CapturePolicy.ON_AUTHORIZATION : CapturePolicy.fromSetting(capture.s()),
                fulfilment == null ? null : fulfilment(fulfilment.m()),
                // orders placed before shipping and taxes existed have neither
                pricing == null ? null : pricing(pricing.m()),
                shipping == null ? null : shipping(shipping.m()));
    }

    private static AttributeValue pricing(OrderPricing pricing) {
        return AttributeValue.fromM(Map.of(
                "pricesIncludeTax", AttributeValue.fromBool(pricing.pricesIncludeTax()),
                "subtotal", money(pricing.subtotal()), "shipping", money(pricing.shipping()), "tax", money(pricing.tax()),
                "total", money(pricing.total()),
                "breakdown", AttributeValue.fromL(pricing.breakdown().stream().map(line -> AttributeValue.fromM(Map.of(
                        "category", s(line.category()), "ratePpm", n(line.rate().partsPerMillion()),
                        "taxable", money(line.taxable()), "tax", money(line.tax())))).toList())));
    }

    private static OrderPricing pricing(Map<String, AttributeValue> m) {
        return new OrderPricing(m.get("pricesIncludeTax").bool(), money(m.get("subtotal").m()), money(m.get("shipping").m()),
                money(m.get("tax").m()),
                m.get("breakdown").l().stream().map(v -> new TaxLine(string(v.m(), "category"),
                        new TaxRate(number(v.m(), "ratePpm")), money(v.m().get("taxable").m()), money(v.m().get("tax").m())))
                        .toList(),
                money(m.get("total").m()));
    }

    private static AttributeValue shipping(OrderShipping shipping) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("methodId", s(shipping.methodId()));
        m.put("methodName", s(shipping.methodName()));
        m.put("country", s(shipping.country()));
        if (shipping.region() != null) {
            m.put("region", s(shipping.region()));
        }
        m.put("minDays", n(shipping.minDays()));
        m.put("maxDays", n(shipping.maxDays()));
        return AttributeValue.fromM(m);
    }

    private static OrderShipping shipping(Map<String, AttributeValue> m) {
        return new OrderShipping(string(m, "methodId"), string(m, "methodName"), string(m, "country"), string(m, "region"),
                (int) number(m, "minDays"), (int) number(m, "maxDays"));
    }

    /**
     * The order's summary from an item of the {@code byCustomer} index, which projects only {@link #SUMMARY_ATTRIBUTES}
     * (and the keys): never the e-mail address, the payment token or the lines.
     */
    static OrderSummary summary(Map<String, AttributeValue> item) {
        return new OrderSummary(string(item, "orderId"), OrderStatus.valueOf(string(item, "status")),
                instant(item, "createdAt"), money(item.get("total").m()));
    }

    /** The non-key attributes the {@code byCustomer} index projects (template.yaml's NonKeyAttributes). */
    static final List<String> SUMMARY_ATTRIBUTES = List.of("status", "total");

    private static AttributeValue fulfilment(Fulfilment fulfilment) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("recordedAt", time(fulfilment.recordedAt()));
        if (fulfilment.trackingNumber() != null) {
            m.put("trackingNumber", s(fulfilment.trackingNumber()));
        }
        putActor(m, "recordedBy", fulfilment.recordedBy());
        return AttributeValue.fromM(m);
    }

    private static Fulfilment fulfilment(Map<String, AttributeValue> m) {
        AttributeValue trackingNumber = m.get("trackingNumber");
        return new Fulfilment(trackingNumber == null ? null : trackingNumber.s(), instant(m, "recordedAt"),
                actor(m, "recordedBy"));
    }

    private static AttributeValue cancellation(Cancellation cancellation) {
        Map<String, AttributeValue> m = new HashMap<>(Map.of(
                "reason", s(cancellation.reason()), "requestedAt", time(cancellation.requestedAt()),
                "from", s(cancellation.from().name()), "stockReturned", AttributeValue.fromBool(cancellation.stockReturned()),
                "settlement", s(cancellation.settlement().name()), "refunded", money(cancellation.refunded())));
        putActor(m, "requestedBy", cancellation.requestedBy());
        if (cancellation.failure() != null) {
            m.put("failure", s(cancellation.failure()));
        }
        return AttributeValue.fromM(m);
    }

    private static Cancellation cancellation(Map<String, AttributeValue> m) {
        return new Cancellation(string(m, "reason"), instant(m, "requestedAt"), OrderStatus.valueOf(string(m, "from")),
                m.get("stockReturned").bool(), Cancellation.Settlement.valueOf(string(m, "settlement")),
                money(m.get("refunded").m()), actor(m, "requestedBy"), optional(m, "failure"));
    }

    /** The actor's {@code sub} only: the audit trail names who by id, never by e-mail address. */
    private static void putActor(Map<String, AttributeValue> m, String field, Actor actor) {
        if (actor != null) {
            m.put(field, s(actor.sub()));
        }
    }

    private static Actor actor(Map<String, AttributeValue> m, String field) {
        AttributeValue value = m.get(field);
        return value == null ? null : new Actor(value.s());
    }

    private static String optional(Map<String, AttributeValue> m, String field) {
        AttributeValue value = m.get(field);
        return value == null ? null : value.s();
    }

    private static AttributeValue refund(RefundRecord refund) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("key", s(refund.key()));
        m.put("amount", money(refund.amount()));
        m.put("reason", s(refund.reason()));
        m.put("requestedAt", time(refund.requestedAt()));
        if (refund.refundId() != null) {
            m.put("refundId", s(refund.refundId()));
        }
        putActor(m, "requestedBy", refund.requestedBy());
        if (refund.failure() != null) {
            m.put("failure", s(refund.failure()));
        }
        return AttributeValue.fromM(m);
    }

    private static RefundRecord refund(Map<String, AttributeValue> m) {
        return new RefundRecord(string(m, "key"), money(m.get("amount").m()), string(m, "reason"),
                instant(m, "requestedAt"), optional(m, "refundId"), actor(m, "requestedBy"), optional(m, "failure"));
    }

    private static AttributeValue line(OrderLine line) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("sku", s(line.sku()));
        m.put("name", s(line.name()));
        m.put("quantity", n(line.quantity()));
        m.put("unitPrice", money(line.unitPrice()));
        if (line.taxCategory() != null) {
            m.put("taxCategory", s(line.taxCategory()));
        }
        if (line.rate() != null) {
            m.put("rate", AttributeValue.fromM(Map.of("category", s(line.rate().category()),
                    "ratePpm", n(line.rate().rate().partsPerMillion()))));
        }
        if (line.tax() != null) {
            m.put("tax", money(line.tax()));
        }
        return AttributeValue.fromM(m);
    }

    private static OrderLine line(Map<String, AttributeValue> m) {
        AttributeValue rate = m.get("rate");
        AttributeValue tax = m.get("tax");
        return new OrderLine(string(m, "sku"), string(m, "name"), (int) number(m, "quantity"), money(m.get("unitPrice").m()),
                string(m, "taxCategory"),
                rate == null ? null : new AppliedRate(string(rate.m(), "category"), new TaxRate(number(rate.m(), "ratePpm"))),
                tax == null ? null : money(tax.m()));
    }

    private static AttributeValue change(StatusChange change) {
        return AttributeValue.fromM(Map.of(
                "status", s(change.status().name()), "at", time(change.at()), "reason", s(change.reason())));
    }

    private static StatusChange change(Map<String, AttributeValue> m) {
        return new StatusChange(OrderStatus.valueOf(string(m, "status")), instant(m, "at"), string(m, "reason"));
    }

    private static AttributeValue money(Money money) {
        return AttributeValue.fromM(Map.of("amount", n(money.amount()), "currency", s(money.currency())));
    }

    private static Money money(Map<String, AttributeValue> m) {
        return new Money(number(m, "amount"), string(m, "currency"));
    }
}
