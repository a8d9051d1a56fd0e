package dev.cartwheel.core.exceptions;

/** No order with this id exists for this caller (another customer's order is "not found" too). */
public final class OrderNotFoundException extends CartwheelException {

    public OrderNotFoundException(String orderId) {
        super("order not found: " + orderId);
    }
}
