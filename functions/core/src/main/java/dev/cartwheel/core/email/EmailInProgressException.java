package dev.cartwheel.core.email;

import dev.cartwheel.core.exceptions.CartwheelException;

/**
 * Another delivery holds the claim on this e-mail and did not finish while this one waited for it; the message goes back
 * to the queue and is retried after its visibility timeout.
 */
public final class EmailInProgressException extends CartwheelException {

    public EmailInProgressException(String orderId, EmailType type) {
        super("e-mail " + type + " for order " + orderId + " is being sent by another delivery");
    }
}
