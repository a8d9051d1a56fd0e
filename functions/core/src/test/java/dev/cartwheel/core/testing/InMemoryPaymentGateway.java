package dev.cartwheel.core.testing;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentRejectedException;
import dev.cartwheel.core.payment.Refund;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A payment provider in memory, with Stripe's rules as far as the services rely on them: every operation is keyed, a
 * repeat of a key answers the first result (the same key for another request is a programming error); a capture needs
 * an approved hold and at most its amount; a void releases a hold that was not captured; refunds together never exceed
 * the capture; a payment read by its id ({@link #authorizationOf}, {@link #findCaptureOf}) is its current state.
 * {@code pm_card_chargeDeclined} is declined, {@code pm_card_authenticationRequired} pending; every other
 * token is approved. A refusal for good is a {@link PaymentRejectedException}, as from the real adapter.
 */
public final class InMemoryPaymentGateway implements PaymentGateway {

    /** What the provider holds for one payment. */
    private static final class Payment {
        final Money authorized;
        Authorization authorization;
        Capture capture;
        boolean voided;
        final List<Refund> refunds = new ArrayList<>();

        Payment(Money authorized, Authorization authorization) {
            this.authorized = authorized;
            this.authorization = authorization;
        }

        Money refunded() {
            return refunds.stream().map(Refund::amount).reduce(Money.zero(authorized.currency()), Money::plus);
        }
    }

    private record Request(String operation, List<Object> parameters) {
    }

    private final Map<String, Object> operations = new LinkedHashMap<>();
    private final Map<String, Request> requests = new HashMap<>();
    private final Map<String, Payment> payments = new LinkedHashMap<>();
    private final Set<String> refusing = new HashSet<>();
    private final List<String> refused = new ArrayList<>();
    private int authorizations;
    private int refundCount;
    private boolean lookupsByKeyLag;
    private final AtomicReference<Runnable> beforeNextListing = new AtomicReference<>();
    private final AtomicReference<Runnable> afterNextListing = new AtomicReference<>();

    // ---- test set-up and inspection ----

    /**
     * From now on a lookup by key ({@link #findAuthorization}) finds nothing, like Stripe's search before its index
     * caught up with the writes; lookups by payment id stay current.
     */
    public synchronized void lagLookupsByKey() {
        lookupsByKeyLag = true;
    }

    /**
     * Runs {@code racing} (another request's call, say) just before the next {@link #findRefunds} reads, once: a
     * forced interleaving at the moment a reader decides what the provider has made.
     */
    public void beforeNextListing(Runnable racing) {
        beforeNextListing.set(racing);
    }

    /** Runs {@code racing} just after the next {@link #findRefunds} read, once: the listing misses what it does. */
    public void afterNextListing(Runnable racing) {
        afterNextListing.set(racing);
    }

    /** Makes the provider refuse every {@code capture}, {@code refund} or {@code void} for good from now on. */
    public synchronized void refuse(String operation) {
        if (!Set.of("capture", "refund", "void").contains(operation)) {
            throw new IllegalArgumentException("refusable: capture, refund, void");
        }
        refusing.add(operation);
    }

    /** Accepts again what {@link #refuse} made it refuse. */
    public synchronized void stopRefusing() {
        refusing.clear();
    }

    /** The keys of every call refused for good, in order. */
    public synchronized List<String> refused() {
        return List.copyOf(refused);
    }

    /** What the provider did, by idempotency key, in order (an authorization, capture, refund, or "void ..."). */
    public synchronized Map<String, Object> operations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(operations));
    }

    /** Whether the hold of {@code paymentId} was released. */
    public synchronized boolean isVoided(String paymentId) {
        return payment(paymentId).voided;
    }

    /**
     * A capture the provider carried out although this backend then voided the hold: what a capture in flight
     * crossing a void leaves behind (the void came too late to stop it).
     */
    public synchronized Capture landLateCapture(String idempotencyKey, String paymentId, Money amount) {
        Payment payment = payment(paymentId);
        payment.voided = false;
        Capture capture = new Capture("cap_" + operations.size(), paymentId, amount);
        payment.capture = capture;
        operations.put(idempotencyKey, capture);
        requests.put(idempotencyKey, new Request("capture", List.of(paymentId, amount)));
        return capture;
    }

    /**
     * The customer finished (or failed) the 3-D Secure step of a pending payment: its authorization, as
     * {@link #findAuthorization} reads it, is approved (or declined) from now on.
     */
    public synchronized void completeAuthentication(String paymentId, boolean succeeded) {
        Payment payment = payment(paymentId);
        Authorization pending = payment.authorization;
        payment.authorization = succeeded ? Authorization.approved(paymentId, pending.brand(), pending.last4())
                : new Authorization(Authorization.Outcome.DECLINED, paymentId, pending.brand(), pending.last4(),
                        "authentication_failed", null);
        for (Map.Entry<String, Object> operation : operations.entrySet()) {
            if (operation.getValue() == pending) {
                operation.setValue(payment.authorization);
            }
        }
    }

    // ---- the port ----

    @Override
    public synchronized Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
        Optional<Object> replay = replay(idempotencyKey, "authorize", paymentToken, amount);
        if (replay.isPresent()) {
            return (Authorization) replay.get();
        }
        String paymentId = "pay_" + authorizations++;
        Authorization authorization = switch (paymentToken) {
            case "pm_card_chargeDeclined" -> Authorization.declined("card_declined");
            case "pm_card_authenticationRequired" -> Authorization.pending(paymentId, "visa", "3184");
            default -> Authorization.approved(paymentId, "visa", "4242");
        };
        if (authorization.holdsFunds()) {
            payments.put(paymentId, new Payment(amount, authorization));
        }
        return (Authorization) remember(idempotencyKey, authorization);
    }

    @Override
    public synchronized Capture capture(String idempotencyKey, String paymentId, Money amount) {
        refuseIf("capture", idempotencyKey, "charge_expired_for_capture");
        Optional<Object> replay = replay(idempotencyKey, "capture", paymentId, amount);
        if (replay.isPresent()) {
            return (Capture) replay.get();
        }
        Payment payment = payment(paymentId);
        if (!payment.authorization.approved() || payment.voided || payment.capture != null) {
            throw new PaymentRejectedException("payment_intent_unexpected_state", "nothing capturable on " + paymentId);
        }
        if (amount.isGreaterThan(payment.authorized)) {
            throw new PaymentRejectedException("amount_too_large", "capture above the authorized amount");
        }
        payment.capture = new Capture("cap_" + operations.size(), paymentId, amount);
        return (Capture) remember(idempotencyKey, payment.capture);
    }

    @Override
    public synchronized void voidAuthorization(String idempotencyKey, String paymentId) {
        refuseIf("void", idempotencyKey, "charge_disputed");
        if (replay(idempotencyKey, "void", paymentId).isPresent()) {
            return;
        }
        Payment payment = payment(paymentId);
        if (payment.capture != null || payment.voided) {
            throw new PaymentRejectedException("payment_intent_unexpected_state", "no hold left on " + paymentId);
        }
        payment.voided = true;
        remember(idempotencyKey, "void " + paymentId);
    }

    @Override
    public synchronized Refund refund(String idempotencyKey, String paymentId, Money amount) {
        refuseIf("refund", idempotencyKey, "charge_disputed");
        Optional<Object> replay = replay(idempotencyKey, "refund", paymentId, amount);
        if (replay.isPresent()) {
            return (Refund) replay.get();
        }
        Payment payment = payment(paymentId);
        if (payment.capture == null) {
            throw new PaymentRejectedException("charge_not_refundable", "nothing captured on " + paymentId);
        }
        Money left = payment.capture.amount().minus(payment.refunded());
        if (left.amount() == 0) {
            throw new PaymentRejectedException("charge_already_refunded", paymentId + " is refunded in full");
        }
        if (amount.isGreaterThan(left)) {
            throw new PaymentRejectedException("amount_too_large", "only " + left.toDisplayString() + " left to refund");
        }
        Refund refund = new Refund("re_" + refundCount++, paymentId, amount, idempotencyKey);
        payment.refunds.add(refund);
        return (Refund) remember(idempotencyKey, refund);
    }

    @Override
    public synchronized Optional<Authorization> findAuthorization(String idempotencyKey) {
        if (lookupsByKeyLag) {
            return Optional.empty();
        }
        return Optional.ofNullable(operations.get(idempotencyKey)).filter(Authorization.class::isInstance)
                .map(Authorization.class::cast);
    }

    @Override
    public synchronized Authorization authorizationOf(String paymentId) {
        return payment(paymentId).authorization;
    }

    @Override
    public synchronized Optional<Capture> findCaptureOf(String paymentId) {
        return Optional.ofNullable(payment(paymentId).capture);
    }

    @Override
    public List<Refund> findRefunds(String paymentId) {
        // the racing calls run outside the lock, as another request's would
        Optional.ofNullable(beforeNextListing.getAndSet(null)).ifPresent(Runnable::run);
        List<Refund> listed = listRefunds(paymentId);
        Optional.ofNullable(afterNextListing.getAndSet(null)).ifPresent(Runnable::run);
        return listed;
    }

    private synchronized List<Refund> listRefunds(String paymentId) {
        Payment payment = payments.get(paymentId);
        return payment == null ? List.of() : List.copyOf(payment.refunds);
    }

    // ---- internals ----

    private Payment payment(String paymentId) {
        Payment payment = payments.get(paymentId);
        if (payment == null) {
            throw new PaymentRejectedException("resource_missing", "no payment " + paymentId);
        }
        return payment;
    }

    private void refuseIf(String operation, String idempotencyKey, String code) {
        if (refusing.contains(operation)) {
            refused.add(idempotencyKey);
            throw new PaymentRejectedException(code, "the provider refuses this " + operation);
        }
    }

    private Optional<Object> replay(String idempotencyKey, String operation, Object... parameters) {
        Request request = new Request(operation, List.of(parameters));
        Request first = requests.get(idempotencyKey);
        if (first == null) {
            requests.put(idempotencyKey, request);
            return Optional.empty();
        }
        if (!first.equals(request)) {
            throw new IllegalStateException("idempotency_error: key " + idempotencyKey + " was used for " + first
                    + ", now " + request);
        }
        return Optional.ofNullable(operations.get(idempotencyKey));
    }

    private Object remember(String idempotencyKey, Object result) {
        operations.put(idempotencyKey, result);
        return result;
    }
}
