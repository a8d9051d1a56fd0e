package dev.cartwheel.core.payment;

import dev.cartwheel.core.exceptions.CartwheelException;

/**
 * The provider refused an operation for good (a capture of a lapsed or declined authorization, a refund the provider
 * will not make, a request it finds invalid): retrying with the same key cannot change the answer. Unlike
 * {@link PaymentProviderException}, the step must not be retried; it records the failure and compensates.
 */
public final class PaymentRejectedException extends CartwheelException {

    private final String code;

    /** @param code the provider's machine-readable reason, e.g. {@code charge_expired_for_capture} */
    public PaymentRejectedException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
