package dev.cartwheel.core.exceptions;

/** The stored order moved on since it was read; the caller re-reads it and decides again. */
public final class StaleOrderException extends CartwheelException {

    public StaleOrderException(String orderId) {
        super("order " + orderId + " changed since it was read");
    }
}
