package dev.cartwheel.core.payment;

import dev.cartwheel.core.money.Money;
import java.util.List;
import java.util.Optional;

/**
 * Port: the payment provider. Every call carries an idempotency key derived from the order id and the
 * operation ({@link #key}), so a retried call returns the first call's result and never moves money twice.
 *
 * @see PaymentProviderException for errors worth retrying
 * @see PaymentRejectedException for definitive refusals, which no retry can change
 */
public interface PaymentGateway {

    /** Holds {@code amount} on the customer's payment method. */
    Authorization authorize(String idempotencyKey, String paymentToken, Money amount);

    /** Takes the held amount. */
    Capture capture(String idempotencyKey, String paymentId, Money amount);

    /** Releases a hold that was never captured. */
    void voidAuthorization(String idempotencyKey, String paymentId);

    /** Gives back part or all of a captured amount. */
    Refund refund(String idempotencyKey, String paymentId, Money amount);

    /**
     * The authorization made under {@code idempotencyKey}, if the provider made one (approved or declined). Lets a
     * compensation find a hold whose result a crashed or out-raced step never recorded. A provider may find it by a
     * search that lags behind its writes (Stripe's does, by up to a minute, an hour in an outage): when the order
     * records the payment's id, use {@link #authorizationOf} instead.
     */
    Optional<Authorization> findAuthorization(String idempotencyKey);

    /** The payment {@code paymentId} as the provider holds it now, read by its id: never behind an earlier write. */
    Authorization authorizationOf(String paymentId);

    /** The capture of payment {@code paymentId}, if it was captured, read by the payment's id. */
    Optional<Capture> findCaptureOf(String paymentId);

    /**
     * Every refund the provider made on {@code paymentId}, whoever asked for it: this backend (each with the key it
     * was made under) or someone in the provider's dashboard (announced by a {@code payment.refunded} webhook). Read
     * by the payment's id, never behind an earlier write: the one way to learn whether a refund was made, since a
     * lookup by key may go through a lagging search. Only looks; refunds nothing.
     */
    List<Refund> findRefunds(String paymentId);

    /** The idempotency key of {@code operation} on {@code orderId}, e.g. {@code ord_1:authorize}. */
    static String key(String orderId, String operation) {
        return orderId + ":" + operation;
    }
}
