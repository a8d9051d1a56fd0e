package dev.cartwheel.core.payment;

import dev.cartwheel.core.exceptions.CartwheelException;

/** The provider failed in a way that may pass (processing error, timeout): the step fails and SQS retries it. */
public final class PaymentProviderException extends CartwheelException {

    public PaymentProviderException(String message) {
        super(message);
    }
}
