package dev.cartwheel.core.exceptions;

/** A webhook that does not prove it comes from the payment provider (bad or missing signature, stale timestamp). */
public final class WebhookRejectedException extends CartwheelException {

    public WebhookRejectedException(String message) {
        super(message);
    }
}
