package dev.cartwheel.core.messaging;

import dev.cartwheel.core.exceptions.CartwheelException;

/** A message this step can never process (wrong type for the step, order unknown); it belongs in the DLQ. */
public final class MessageRejectedException extends CartwheelException {

    public MessageRejectedException(String message) {
        super(message);
    }
}
