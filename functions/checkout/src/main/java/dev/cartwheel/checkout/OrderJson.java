package dev.cartwheel.checkout;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.audit.AuditEntry;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.OrderSummary;
import dev.cartwheel.core.order.StatusChange;
import dev.cartwheel.core.shipping.ShippingAddress;

/**
 * The JSON representations of orders in the API (docs/api.md). Never the e-mail address or the payment token; the
 * shipping address only in the owner's order and the admin queue.
 */
final class OrderJson {

    private OrderJson() {
    }

    /** The 202 body of {@code POST /orders}: the order as accepted, identical for every replay of the request. */
    static ObjectNode accepted(Order order) {
        ObjectNode body = Json.mapper().createObjectNode()
                .put("orderId", order.orderId())
                .put("status", order.history().getFirst().status().name());
        ApiJson.addPricing(body, order);
        body.set("links", ApiJson.links(order));
        return body;
    }

    /**
     * The customer's view of their order ({@code GET /orders/{orderId}}): no e-mail address, payment token, admin
     * idempotency keys or provider decline codes. The cancellation's reason is the customer's own.
     */
    static ObjectNode full(Order order) {
        return full(order, null);
    }

    /** The order as its owner sees it, with its shipping address ({@code null}: an order placed without one). */
    static ObjectNode full(Order order, ShippingAddress address) {
        ObjectNode body = Json.mapper().createObjectNode()
                .put("orderId", order.orderId())
                .put("status", order.status().name())
                .put("createdAt", order.createdAt().toString())
                .put("updatedAt", order.updatedAt().toString());
        ArrayNode items = body.putArray("items");
        for (OrderLine line : order.lines()) {
            ObjectNode item = items.addObject().put("sku", line.sku()).put("name", line.name()).put("quantity", line.quantity());
            item.set("unitPrice", ApiJson.money(line.unitPrice()));
            item.set("lineTotal", ApiJson.money(line.lineTotal()));
            if (line.rate() != null && line.tax() != null) {
                item.put("taxCategory", line.rate().category()).put("taxRate", line.rate().rate().percent());
                item.set("tax", ApiJson.money(line.tax()));
            }
        }
        ApiJson.addPricing(body, order);
        ApiJson.addShipping(body, order, address);
        order.findPayment().ifPresent(payment -> body.putObject("payment")
                .put("brand", payment.brand()).put("last4", payment.last4()));
        body.put("capture", order.capture().setting());
        order.findFulfilment().ifPresent(fulfilment -> body.set("fulfilment", ApiJson.fulfilment(fulfilment)));
        if (!order.unavailableSkus().isEmpty()) {
            ArrayNode skus = body.putArray("unavailableSkus");
            order.unavailableSkus().forEach(skus::add);
        }
        order.findCancellation().ifPresent(cancellation -> {
            ObjectNode node = body.putObject("cancellation").put("reason", cancellation.reason())
                    .put("requestedAt", cancellation.requestedAt().toString())
                    .put("settlement", cancellation.settlement().name());
            node.set("refunded", ApiJson.money(cancellation.refunded()));
        });
        if (!order.refunds().isEmpty()) {
            ArrayNode refunds = body.putArray("refunds");
            order.refunds().forEach(refund -> refunds.add(ApiJson.customerRefund(refund)));
        }
        if (!order.refunds().isEmpty() || order.findCancellation().isPresent()) {
            body.set("refundedTotal", ApiJson.money(order.refundedTotal()));
        }
        ArrayNode history = body.putArray("history");
        for (StatusChange change : order.history()) {
            history.addObject().put("status", change.status().name()).put("at", change.at().toString())
                    .put("reason", customerReason(change));
        }
        body.set("links", ApiJson.links(order));
        return body;
    }

    /**
     * The admin's view of an order: {@link #full} with the refunds' idempotency keys and the history's internal
     * reasons, plus who did what and when ({@code audit}: actors by {@code sub},
     * never an e-mail address), the provider's reason for every refused refund ({@code refunds[].failure}) and for a
     * cancellation refund it refused ({@code cancellation.failure}).
     */
    static ObjectNode admin(Order order, ShippingAddress address) {
        ObjectNode body = full(order, address);
        body.put("customerId", order.customerId());
        if (!order.refunds().isEmpty()) {
            ArrayNode refunds = body.putArray("refunds");
            order.refunds().forEach(refund -> refunds.add(ApiJson.adminRefund(refund)));
        }
        order.findCancellation().ifPresent(cancellation -> {
            ObjectNode node = (ObjectNode) body.get("cancellation");
            if (cancellation.requestedBy() != null) {
                node.put("requestedBy", cancellation.requestedBy().sub());
            }
            if (cancellation.failure() != null) {
                node.put("failure", cancellation.failure());
            }
        });
        order.findFulfilment().filter(fulfilment -> fulfilment.recordedBy() != null)
                .ifPresent(fulfilment -> ((ObjectNode) body.get("fulfilment")).put("recordedBy", fulfilment.recordedBy().sub()));
        // the internal reasons too (a provider's decline code), which the customer's view words plainly
        ArrayNode history = body.putArray("history");
        for (StatusChange change : order.history()) {
            history.addObject().put("status", change.status().name()).put("at", change.at().toString())
                    .put("reason", change.reason());
        }
        ArrayNode audit = body.putArray("audit");
        for (AuditEntry entry : order.auditTrail()) {
            ObjectNode node = audit.addObject().put("action", entry.action()).put("actor", entry.actor().sub())
                    .put("at", entry.at().toString());
            if (entry.subject() != null) {
                node.put("subject", entry.subject());
            }
        }
        return body;
    }

    /**
     * {@code body} with {@code payment.nextAction} ({@code type}, {@code clientSecret}) when the order's payment waits
     * for its customer (3-D Secure) and {@code caller} is that customer: the client secret lets a browser finish this
     * payment, so nobody else sees it.
     */
    static ObjectNode withNextAction(ObjectNode body, Order order, dev.cartwheel.core.checkout.Caller caller) {
        if (caller == null || !order.customerId().equals(caller.customerId()) || !body.path("payment").isObject()) {
            return body;
        }
        order.findPayment().flatMap(dev.cartwheel.core.order.PaymentDetails::findNextAction).ifPresent(action ->
                ((ObjectNode) body.get("payment")).putObject("nextAction").put("type", action.type())
                        .put("clientSecret", action.clientSecret()));
        return body;
    }

    /**
     * A status change's reason as its customer sees it: the provider's decline code stays internal (it may say
     * "fraudulent" or "stolen_card"); the other reasons are the pipeline's plain words or the customer's own.
     */
    private static String customerReason(StatusChange change) {
        return change.status() == OrderStatus.PAYMENT_FAILED ? "payment declined" : change.reason();
    }

    /**
     * The 200 body of {@code POST /orders/{orderId}/cancel}: the cancellation as recorded, identical for every
     * repeat of the request (poll {@code GET /orders/{orderId}} for the saga's progress).
     */
    static ObjectNode cancellation(Order order) {
        Cancellation cancellation = order.findCancellation().orElseThrow();
        ObjectNode body = Json.mapper().createObjectNode().put("orderId", order.orderId());
        body.putObject("cancellation").put("reason", cancellation.reason())
                .put("requestedAt", cancellation.requestedAt().toString());
        body.set("links", ApiJson.links(order));
        return body;
    }

    static ObjectNode page(OrderPage page) {
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode items = body.putArray("items");
        for (OrderSummary order : page.items()) {
            ObjectNode item = items.addObject().put("orderId", order.orderId()).put("status", order.status().name())
                    .put("createdAt", order.createdAt().toString());
            item.set("total", ApiJson.money(order.total()));
            item.putObject("links").put("self", "/orders/" + order.orderId());
        }
        page.findNextCursor().ifPresentOrElse(cursor -> body.put("nextCursor", cursor), () -> body.putNull("nextCursor"));
        return body;
    }
}
