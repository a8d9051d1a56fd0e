package dev.cartwheel.core.email;

import dev.cartwheel.core.exceptions.CartwheelException;

/** Another delivery holds the claim on this e-mail; the message is retried after its lease. */
public final class EmailInProgressException extends CartwheelException {

    public EmailInProgressException(String orderId, EmailType type) {
        super("e-mail " + type + " for order " + orderId + " is being sent by another delivery");
    }
}
