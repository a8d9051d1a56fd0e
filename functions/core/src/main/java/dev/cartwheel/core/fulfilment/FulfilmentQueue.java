package dev.cartwheel.core.fulfilment;

import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.INVALID_FIELD;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderPage;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.StatusPage;
import dev.cartwheel.core.order.OrderStore;
import dev.cartwheel.core.shipping.ShippingAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The warehouse's list ({@code GET /admin/orders?status=CONFIRMED}, scope {@code orders/admin}): the orders awaiting
 * shipment in a status, oldest first, each with its lines, shipping method and address: what to pick, pack and ship.
 * {@code CONFIRMED} lists the paid orders not shipped yet; {@code AUTHORIZED} the orders captured on fulfilment that
 * wait for it. Read from the orders table's sparse {@code fulfilmentQueue} index page by page (never a scan), the
 * addresses with one batch read per page.
 */
public final class FulfilmentQueue {

    private final OrderStore orders;

    public FulfilmentQueue(OrderStore orders) {
        this.orders = orders;
    }

    /** An order of the queue with its address ({@code null} for an order placed before addresses existed). */
    public record Entry(Order order, ShippingAddress address) {

        public Optional<ShippingAddress> findAddress() {
            return Optional.ofNullable(address);
        }
    }

    /** A page of the queue and the opaque cursor of the next one ({@code null} on the last page). */
    public record Page(List<Entry> items, String nextCursor) {

        public Page {
            items = List.copyOf(items);
        }
    }

    /**
     * @param status the status to list, e.g. {@code CONFIRMED} (or {@code AUTHORIZED}: orders captured on fulfilment)
     * @param cursor {@code null} for the first page, else a {@code nextCursor} of the same status
     */
    public Page page(String status, String cursor, int limit) {
        OrderStatus wanted = parse(status);
        StatusPage page = orders.listByStatus(wanted, cursor, limit);
        Map<String, ShippingAddress> addresses = page.items().isEmpty() ? Map.of()
                : orders.findShippingAddresses(page.items().stream().map(Order::orderId).toList());
        return new Page(page.items().stream().map(order -> new Entry(order, addresses.get(order.orderId()))).toList(),
                page.nextCursor());
    }

    private static OrderStatus parse(String status) {
        if (status == null || status.isEmpty()) {
            throw new InvalidRequestException(INVALID_FIELD, "status", "status is required, e.g. status=CONFIRMED");
        }
        if (status.equals(OrderStatus.CONFIRMED.name())) {
            return OrderStatus.CONFIRMED;
        }
        if (status.equals(OrderStatus.AUTHORIZED.name())) {
            return OrderStatus.AUTHORIZED;
        }
        throw new InvalidRequestException(INVALID_FIELD, "status",
                "status must be CONFIRMED or AUTHORIZED (captured on fulfilment): the statuses of orders awaiting shipment");
    }
}
