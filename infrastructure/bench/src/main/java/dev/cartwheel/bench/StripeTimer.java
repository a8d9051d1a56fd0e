package dev.cartwheel.bench;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.Refund;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The payment step's Stripe gateway, timed as {@link SdkTimer} times AWS calls: the wall time of each call, client
 * side included (request encoding, the HTTP exchange, the simulator's hand-offs and serving, parsing the answer), added
 * up per thread. What the gateway maps around the call (its forms and the domain records) is a few lines and is
 * counted with the call, as the SDK's marshalling is.
 */
final class StripeTimer implements PaymentGateway {

    private static final ThreadLocal<long[]> SPENT = ThreadLocal.withInitial(() -> new long[1]);

    private final PaymentGateway gateway;

    StripeTimer(PaymentGateway gateway) {
        this.gateway = gateway;
    }

    /** Nanoseconds spent in Stripe calls on this thread since the last reset, and resets. */
    static long takeNanos() {
        long[] spent = SPENT.get();
        long total = spent[0];
        spent[0] = 0;
        return total;
    }

    private static <T> T timed(Supplier<T> call) {
        long started = System.nanoTime();
        try {
            return call.get();
        } finally {
            SPENT.get()[0] += System.nanoTime() - started;
        }
    }

    @Override
    public Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
        return timed(() -> gateway.authorize(idempotencyKey, paymentToken, amount));
    }

    @Override
    public Capture capture(String idempotencyKey, String paymentId, Money amount) {
        return timed(() -> gateway.capture(idempotencyKey, paymentId, amount));
    }

    @Override
    public void voidAuthorization(String idempotencyKey, String paymentId) {
        timed(() -> {
            gateway.voidAuthorization(idempotencyKey, paymentId);
            return null;
        });
    }

    @Override
    public Refund refund(String idempotencyKey, String paymentId, Money amount) {
        return timed(() -> gateway.refund(idempotencyKey, paymentId, amount));
    }

    @Override
    public Optional<Authorization> findAuthorization(String idempotencyKey) {
        return timed(() -> gateway.findAuthorization(idempotencyKey));
    }

    @Override
    public Authorization authorizationOf(String paymentId) {
        return timed(() -> gateway.authorizationOf(paymentId));
    }

    @Override
    public Optional<Capture> findCaptureOf(String paymentId) {
        return timed(() -> gateway.findCaptureOf(paymentId));
    }

    @Override
    public List<Refund> findRefunds(String paymentId) {
        return timed(() -> gateway.findRefunds(paymentId));
    }
}
