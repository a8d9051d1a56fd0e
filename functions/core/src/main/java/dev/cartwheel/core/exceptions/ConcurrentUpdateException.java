package dev.cartwheel.core.exceptions;

/** A write lost a race (transaction conflict, throttling) and may succeed if retried. */
public final class ConcurrentUpdateException extends CartwheelException {

    public ConcurrentUpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
