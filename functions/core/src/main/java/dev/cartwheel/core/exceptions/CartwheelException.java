package dev.cartwheel.core.exceptions;

/** The root of the exceptions a caller of the core can act on. */
public abstract class CartwheelException extends RuntimeException {

    protected CartwheelException(String message) {
        super(message);
    }

    protected CartwheelException(String message, Throwable cause) {
        super(message, cause);
    }
}
