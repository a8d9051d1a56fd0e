package dev.cartwheel.core.exceptions;

/** The bus refused or failed some events; publishing them again is safe. */
public final class EventPublishingException extends CartwheelException {

    public EventPublishingException(String message) {
        super(message);
    }

    public EventPublishingException(String message, Throwable cause) {
        super(message, cause);
    }
}
