package dev.cartwheel.core.exceptions;

/** The idempotency key already names an order: a retry, or a race between two identical requests. */
public final class IdempotencyKeyInUseException extends CartwheelException {

    public IdempotencyKeyInUseException(String key) {
        super("idempotency key already used: " + key);
    }
}
