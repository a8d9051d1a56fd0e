package dev.cartwheel.aws.dynamodb;

import static dev.cartwheel.aws.dynamodb.Attributes.instant;
import static dev.cartwheel.aws.dynamodb.Attributes.n;
import static dev.cartwheel.aws.dynamodb.Attributes.number;
import static dev.cartwheel.aws.dynamodb.Attributes.s;
import static dev.cartwheel.aws.dynamodb.Attributes.string;
import static dev.cartwheel.aws.dynamodb.Attributes.time;

import dev.cartwheel.core.email.OwedEmails;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
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

    private OrderItems() {
    }

    static String openShard(String orderId) {
        return "open#" + Math.floorMod(orderId.hashCode(), OPEN_SHARDS);
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
        order.findPayment().ifPresent(payment -> item.put("payment", AttributeValue.fromM(Map.of(
                "paymentId", s(payment.paymentId()), "brand", s(payment.brand()), "last4", s(payment.last4())))));
        if (order.isOpen()) {
            item.put(OPEN_SHARD, s(openShard(order.orderId())));
        } else if (OwedEmails.isMarked(order)) {
            // the durable "e-mails owed" mark: cleared by the e-mail step once it saw them all sent
            item.put(OPEN_SHARD, s(mailShard(order.orderId())));
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
        return item;
    }

    static Order fromItem(Map<String, AttributeValue> item) {
        AttributeValue payment = item.get("payment");
        AttributeValue unavailable = item.get("unavailableSkus");
        AttributeValue cancellation = item.get("cancellation");
        AttributeValue refunds = item.get("refunds");
        AttributeValue capture = item.get("capture");
        AttributeValue fulfilment = item.get("fulfilment");
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
                payment == null ? null : new PaymentDetails(string(payment.m(), "paymentId"),
                        string(payment.m(), "brand"), string(payment.m(), "last4")),
                unavailable == null ? List.of() : unavailable.l().stream().map(AttributeValue::s).toList(),
                cancellation == null ? null : cancellation(cancellation.m()),
                refunds == null ? List.of() : refunds.l().stream().map(v -> refund(v.m())).toList(),
                // orders written before the capture policy existed were captured on authorization
                capture == null ? CapturePolicy.ON_AUTHORIZATION : CapturePolicy.fromSetting(capture.s()),
                fulfilment == null ? null : fulfilment(fulfilment.m()));
    }

    private static AttributeValue fulfilment(Fulfilment fulfilment) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("recordedAt", time(fulfilment.recordedAt()));
        if (fulfilment.trackingNumber() != null) {
            m.put("trackingNumber", s(fulfilment.trackingNumber()));
        }
        return AttributeValue.fromM(m);
    }

    private static Fulfilment fulfilment(Map<String, AttributeValue> m) {
        AttributeValue trackingNumber = m.get("trackingNumber");
        return new Fulfilment(trackingNumber == null ? null : trackingNumber.s(), instant(m, "recordedAt"));
    }

    private static AttributeValue cancellation(Cancellation cancellation) {
        return AttributeValue.fromM(Map.of(
                "reason", s(cancellation.reason()), "requestedAt", time(cancellation.requestedAt()),
                "from", s(cancellation.from().name()), "stockReturned", AttributeValue.fromBool(cancellation.stockReturned()),
                "settlement", s(cancellation.settlement().name()), "refunded", money(cancellation.refunded())));
    }

    private static Cancellation cancellation(Map<String, AttributeValue> m) {
        return new Cancellation(string(m, "reason"), instant(m, "requestedAt"), OrderStatus.valueOf(string(m, "from")),
                m.get("stockReturned").bool(), Cancellation.Settlement.valueOf(string(m, "settlement")),
                money(m.get("refunded").m()));
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
        return AttributeValue.fromM(m);
    }

    private static RefundRecord refund(Map<String, AttributeValue> m) {
        AttributeValue refundId = m.get("refundId");
        return new RefundRecord(string(m, "key"), money(m.get("amount").m()), string(m, "reason"),
                instant(m, "requestedAt"), refundId == null ? null : refundId.s());
    }

    private static AttributeValue line(OrderLine line) {
        return AttributeValue.fromM(Map.of(
                "sku", s(line.sku()), "name", s(line.name()),
                "quantity", n(line.quantity()), "unitPrice", money(line.unitPrice())));
    }

    private static OrderLine line(Map<String, AttributeValue> m) {
        return new OrderLine(string(m, "sku"), string(m, "name"), (int) number(m, "quantity"), money(m.get("unitPrice").m()));
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
