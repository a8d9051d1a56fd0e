package dev.cartwheel.aws.json;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.StockAdjustment;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.pricing.TaxLine;
import dev.cartwheel.core.shipping.ShippingAddress;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.cartwheel.core.order.RefundRecord;

/**
 * JSON representations (docs/api.md) that more than one function returns: products (the catalog's reads and the
 * admins' writes) and the admins' views of orders. Functions never import each other; they share these here.
 * Never an e-mail address or a payment token.
 */
public final class ApiJson {

    private ApiJson() {
    }

    public static ObjectNode money(Money money) {
        return Json.mapper().createObjectNode().put("amount", money.amount()).put("currency", money.currency());
    }

    public static String location(Order order) {
        return "/orders/" + order.orderId();
    }

    public static ObjectNode links(Order order) {
        return Json.mapper().createObjectNode().put("self", location(order));
    }

    /** A product as {@code GET /products} lists it; {@code maxPerOrder} and {@code taxCategory} only if the catalog sets them. */
    public static ObjectNode product(Product product) {
        ObjectNode node = Json.mapper().createObjectNode().put("sku", product.sku()).put("name", product.name());
        node.set("price", money(product.price()));
        node.put("available", product.available());
        product.findMaxPerOrder().ifPresent(max -> node.put("maxPerOrder", max));
        if (product.taxCategory() != null) {
            node.put("taxCategory", product.taxCategory());
        }
        return node;
    }

    public static ObjectNode fulfilment(Fulfilment fulfilment) {
        ObjectNode node = Json.mapper().createObjectNode().put("recordedAt", fulfilment.recordedAt().toString());
        if (fulfilment.trackingNumber() != null) {
            node.put("trackingNumber", fulfilment.trackingNumber());
        }
        return node;
    }

    /**
     * A refund as its customer sees it: where it was made, amount, the reason (the refund e-mail tells it too), when,
     * status and the provider's refund id. Never the admin's idempotency key, who asked or why the provider refused.
     */
    public static ObjectNode customerRefund(RefundRecord refund) {
        ObjectNode node = Json.mapper().createObjectNode().put("origin", refund.isFromProvider() ? "provider" : "api");
        node.set("amount", money(refund.amount()));
        node.put("reason", refund.reason()).put("requestedAt", refund.requestedAt().toString())
                .put("status", refund.state().name());
        if (refund.isCompleted()) {
            node.put("refundId", refund.refundId());
        }
        return node;
    }

    /**
     * A refund as admins see it: the customer's view plus its idempotency key (for refunds made through the API), who
     * asked ({@code sub}) and, for one the provider refused, why.
     */
    public static ObjectNode adminRefund(RefundRecord refund) {
        ObjectNode node = customerRefund(refund);
        if (!refund.isFromProvider()) {
            node.put("idempotencyKey", refund.key());
        }
        if (refund.requestedBy() != null) {
            node.put("requestedBy", refund.requestedBy().sub());
        }
        if (refund.isFailed()) {
            node.put("failure", refund.failure());
        }
        return node;
    }

    /** The 201 body of {@code POST /orders/{orderId}/refunds}, identical for every replay of the request. */
    public static ObjectNode refundResponse(Order order, RefundRecord refund) {
        ObjectNode body = Json.mapper().createObjectNode().put("orderId", order.orderId());
        body.set("refund", adminRefund(refund));
        body.set("links", links(order));
        return body;
    }

    /**
     * The body of {@code POST /orders/{orderId}/fulfilment}: the order's status and its fulfilment as recorded,
     * the same fulfilment for every repeat of the request.
     */
    public static ObjectNode fulfilmentResponse(Order order) {
        ObjectNode body = Json.mapper().createObjectNode().put("orderId", order.orderId())
                .put("status", order.status().name());
        body.set("fulfilment", fulfilment(order.findFulfilment().orElseThrow()));
        body.set("links", links(order));
        return body;
    }

    /** A stock ledger entry: who ({@code sub}) changed the stock, when, by how much and why. */
    public static ObjectNode stockAdjustment(StockAdjustment adjustment) {
        return Json.mapper().createObjectNode().put("sku", adjustment.sku())
                .put("idempotencyKey", adjustment.idempotencyKey()).put("delta", adjustment.delta())
                .put("reason", adjustment.reason()).put("actor", adjustment.actorId()).put("at", adjustment.at().toString());
    }

    /**
     * The order's {@code subtotal}, {@code shipping}, {@code tax} (with its per-rate {@code breakdown}) and {@code total}
     * as frozen at checkout; {@code subtotal + shipping + tax == total}. Orders placed before taxes have only a total.
     */
    public static void addPricing(ObjectNode body, Order order) {
        order.findPricing().ifPresent(pricing -> {
            body.put("pricesIncludeTax", pricing.pricesIncludeTax());
            body.set("subtotal", money(pricing.subtotal()));
            body.set("shipping", money(pricing.shipping()));
            ObjectNode tax = money(pricing.tax());
            ArrayNode breakdown = tax.putArray("breakdown");
            for (TaxLine line : pricing.breakdown()) {
                ObjectNode entry = breakdown.addObject().put("category", line.category()).put("rate", line.rate().percent());
                entry.set("taxable", money(line.taxable()));
                entry.set("tax", money(line.tax()));
            }
            body.set("tax", tax);
        });
        body.set("total", money(order.total()));
    }

    /**
     * The order's shipping method and, for its owner and admins only, its address. Never in a list a customer reads,
     * never logged.
     */
    public static void addShipping(ObjectNode body, Order order, ShippingAddress address) {
        order.findShipping().ifPresent(shipping -> {
            ObjectNode method = body.putObject("shippingMethod").put("id", shipping.methodId()).put("name", shipping.methodName());
            method.putObject("deliveryEstimate").put("minDays", shipping.minDays()).put("maxDays", shipping.maxDays());
        });
        if (address != null) {
            ObjectNode node = body.putObject("shippingAddress").put("name", address.name()).put("line1", address.line1());
            if (address.line2() != null) {
                node.put("line2", address.line2());
            }
            node.put("city", address.city());
            if (address.region() != null) {
                node.put("region", address.region());
            }
            node.put("postalCode", address.postalCode()).put("country", address.country());
            if (address.phone() != null) {
                node.put("phone", address.phone());
            }
        }
    }

    /** An order in the admin fulfilment queue: what to pick (lines) and its amounts; the caller adds the shipping. */
    public static ObjectNode summary(Order order) {
        ObjectNode body = Json.mapper().createObjectNode()
                .put("orderId", order.orderId())
                .put("status", order.status().name())
                .put("createdAt", order.createdAt().toString());
        ArrayNode items = body.putArray("items");
        for (OrderLine line : order.lines()) {
            items.addObject().put("sku", line.sku()).put("name", line.name()).put("quantity", line.quantity());
        }
        addPricing(body, order);
        body.put("capture", order.capture().setting());
        body.set("links", links(order));
        return body;
    }
}
