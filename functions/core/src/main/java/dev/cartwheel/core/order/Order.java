package dev.cartwheel.core.order;

import dev.cartwheel.core.audit.Actor;
import dev.cartwheel.core.audit.AuditEntry;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.pricing.OrderPricing;
import dev.cartwheel.core.shipping.OrderShipping;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An order. Immutable: a status change returns a new order with the change appended to its history
 * and its version incremented. The only way to change the status is {@link #transitionTo}, which
 * refuses every transition {@link OrderStatus} does not list.
 *
 * @param email        the customer's address, taken from the token's {@code email} claim only
 * @param paymentToken the provider token the customer paid with (a token, never card data)
 * @param payment      the provider's payment reference once authorized, else {@code null}
 * @param unavailableSkus the SKUs that were short when the order was rejected, else empty
 * @param cancellation the customer's cancellation once requested, else {@code null}
 * @param refunds      the refunds an admin asked for or the provider reported, oldest first
 * @param capture      when the payment is captured, fixed when the order is placed
 * @param fulfilment   the fulfilment an admin recorded (the order shipped), else {@code null}
 * @param pricing      subtotal, shipping, tax (per rate) and total as frozen at checkout; {@code null} for orders placed
 *                     before taxes and shipping existed (their total is the sum of their lines)
 * @param shipping     the shipping method and destination country frozen at checkout (the address itself lives apart,
 *                     see {@link dev.cartwheel.core.shipping.ShippingAddress}); {@code null} for such older orders
 */
public record Order(
        String orderId,
        String customerId,
        String email,
        String correlationId,
        List<OrderLine> lines,
        Money total,
        String paymentToken,
        OrderStatus status,
        long version,
        Instant createdAt,
        Instant updatedAt,
        List<StatusChange> history,
        PaymentDetails payment,
        List<String> unavailableSkus,
        Cancellation cancellation,
        List<RefundRecord> refunds,
        CapturePolicy capture,
        Fulfilment fulfilment,
        OrderPricing pricing,
        OrderShipping shipping) {

    public Order {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(correlationId, "correlationId");
        Objects.requireNonNull(total, "total");
        Objects.requireNonNull(paymentToken, "paymentToken");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        Objects.requireNonNull(capture, "capture");
        lines = List.copyOf(lines);
        history = List.copyOf(history);
        unavailableSkus = List.copyOf(unavailableSkus);
        refunds = List.copyOf(refunds);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an order has at least one line");
        }
        if (pricing != null && !pricing.total().equals(total)) {
            throw new IllegalArgumentException("an order's total is its pricing's total");
        }
    }

    /** A new order in {@link OrderStatus#PENDING}, totalled from its lines. */
    public static Order place(String orderId, String customerId, String email, String correlationId,
                              List<OrderLine> lines, String paymentToken, Instant at) {
        Money total = lines.stream().map(OrderLine::lineTotal).reduce(Money::plus)
                .orElseThrow(() -> new IllegalArgumentException("an order has at least one line"));
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken,
                OrderStatus.PENDING, 1, at, at,
                List.of(new StatusChange(OrderStatus.PENDING, at, "order placed")), null, List.of(), null, List.of(),
                CapturePolicy.ON_AUTHORIZATION, null, null, null);
    }

    /**
     * A new order in {@link OrderStatus#PENDING} with its lines taxed, its pricing and its shipping as checkout froze
     * them; its total (the amount authorized) is the pricing's total.
     */
    public static Order place(String orderId, String customerId, String email, String correlationId,
                              List<OrderLine> lines, OrderPricing pricing, OrderShipping shipping, String paymentToken,
                              Instant at) {
        Objects.requireNonNull(pricing, "pricing");
        Objects.requireNonNull(shipping, "shipping");
        return new Order(orderId, customerId, email, correlationId, lines, pricing.total(), paymentToken,
                OrderStatus.PENDING, 1, at, at,
                List.of(new StatusChange(OrderStatus.PENDING, at, "order placed")), null, List.of(), null, List.of(),
                CapturePolicy.ON_AUTHORIZATION, null, pricing, shipping);
    }

    public Optional<OrderPricing> findPricing() {
        return Optional.ofNullable(pricing);
    }

    public Optional<OrderShipping> findShipping() {
        return Optional.ofNullable(shipping);
    }

    /**
     * This order moved to {@code target}.
     *
     * @throws IllegalTransitionException if the current status cannot reach {@code target}
     */
    public Order transitionTo(OrderStatus target, Instant at, String reason) {
        if (!status.canTransitionTo(target)) {
            throw new IllegalTransitionException(orderId, status, target);
        }
        List<StatusChange> newHistory = new ArrayList<>(history);
        newHistory.add(new StatusChange(target, at, reason));
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, target,
                version + 1, createdAt, at, newHistory, payment, unavailableSkus, cancellation, refunds, capture, fulfilment, pricing, shipping);
    }

    public Order withPayment(PaymentDetails details) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version, createdAt, updatedAt, history, details, unavailableSkus, cancellation, refunds, capture, fulfilment, pricing, shipping);
    }

    /**
     * A payment the provider made for this order, recorded as a change of its own (a new version, the status kept):
     * an authorization that came back after the order was cancelled or expired, so that settling reads it by its id.
     */
    public Order withPaymentRecorded(PaymentDetails details, Instant at) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version + 1, createdAt, at, history, details, unavailableSkus, cancellation, refunds, capture, fulfilment,
                pricing, shipping);
    }

    public Order withUnavailableSkus(List<String> skus) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version, createdAt, updatedAt, history, payment, skus, cancellation, refunds, capture, fulfilment, pricing, shipping);
    }

    /** This order, to be captured as {@code policy} says (set when it is placed). */
    public Order withCapturePolicy(CapturePolicy policy) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version, createdAt, updatedAt, history, payment, unavailableSkus, cancellation, refunds, policy, fulfilment, pricing, shipping);
    }

    /**
     * An admin recorded that the order is fulfilled (shipped). From now on it can no longer be cancelled; an order
     * captured on fulfilment gets captured, and the e-mail step moves a confirmed order on to FULFILLED.
     *
     * @throws IllegalStateException if a fulfilment is already recorded
     */
    public Order withFulfilmentRecorded(Fulfilment recorded, Instant at) {
        if (fulfilment != null) {
            throw new IllegalStateException("order " + orderId + " already has a fulfilment");
        }
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                version + 1, createdAt, at, history, payment, unavailableSkus, cancellation, refunds, capture,
                Objects.requireNonNull(recorded, "recorded"), pricing, shipping);
    }

    /**
     * The customer's cancellation recorded: this order moved to {@link OrderStatus#CANCELLING} with the reason, the
     * status it came from and nothing compensated yet.
     *
     * @throws IllegalTransitionException if the order can no longer be cancelled (its status, or it is fulfilled)
     */
    public Order requestCancellation(String reason, Instant at) {
        return requestCancellation(reason, at, null);
    }

    /** {@link #requestCancellation(String, Instant)}, recording who asked ({@code null}: not known). */
    public Order requestCancellation(String reason, Instant at, Actor actor) {
        if (fulfilment != null) {
            throw new IllegalTransitionException(orderId, status, OrderStatus.CANCELLING);
        }
        Order cancelling = transitionTo(OrderStatus.CANCELLING, at, "cancellation requested: " + reason);
        return cancelling.revised(new Cancellation(reason, at, status, false, Cancellation.Settlement.OPEN,
                Money.zero(total.currency()), actor, null), refunds, cancelling.version, at);
    }

    /** The cancellation saga moved the stock back (written in one transaction with the movements). */
    public Order withStockReturned(Instant at) {
        return revised(requireCancellation().withStockReturned(), refunds, version + 1, at);
    }

    /** CANCELLING -> CANCELLED with the customer's reason, the payment settled as {@code settlement}. */
    public Order cancel(Cancellation.Settlement settlement, Money refunded, Instant at) {
        Cancellation settled = requireCancellation().settled(settlement, refunded);
        Order cancelled = transitionTo(OrderStatus.CANCELLED, at, settled.reason());
        return cancelled.revised(settled, refunds, cancelled.version, at);
    }

    /**
     * CANCELLING -> CANCELLED although the provider refused the cancellation's refund for good: the stock is back, the
     * money is not ({@link Cancellation.Settlement#REFUND_FAILED}, with why). An admin settles it at the provider.
     */
    public Order cancelWithRefundFailure(Money refunded, String failure, Instant at) {
        Cancellation settled = requireCancellation().settledWithFailure(refunded, failure);
        Order cancelled = transitionTo(OrderStatus.CANCELLED, at, settled.reason());
        return cancelled.revised(settled, refunds, cancelled.version, at);
    }

    /** A cancelled order whose payment turned out to need another settlement (a capture that landed late). */
    public Order withSettlementCorrected(Cancellation.Settlement settlement, Money refunded, Instant at) {
        return revised(requireCancellation().settled(settlement, refunded), refunds, version + 1, at);
    }

    /** A refund recorded as asked for, before the provider is called. */
    public Order withRefundRequested(RefundRecord refund, Instant at) {
        List<RefundRecord> all = new ArrayList<>(refunds);
        all.add(refund);
        return revised(cancellation, all, version + 1, at);
    }

    /** The refund under {@code key} completed by the provider with {@code refundId}. */
    public Order withRefundCompleted(String key, String refundId, Instant at) {
        List<RefundRecord> all = new ArrayList<>();
        for (RefundRecord refund : refunds) {
            all.add(refund.key().equals(key) && !refund.isCompleted() ? refund.completed(refundId) : refund);
        }
        return revised(cancellation, all, version + 1, at);
    }

    /** The refund under {@code key}, still pending, refused by the provider for good ({@code failure} says why). */
    public Order withRefundFailed(String key, String failure, Instant at) {
        List<RefundRecord> all = new ArrayList<>();
        for (RefundRecord refund : refunds) {
            all.add(refund.key().equals(key) && refund.isPending() ? refund.failed(failure) : refund);
        }
        return revised(cancellation, all, version + 1, at);
    }

    public Optional<Cancellation> findCancellation() {
        return Optional.ofNullable(cancellation);
    }

    public Optional<RefundRecord> findRefund(String key) {
        return refunds.stream().filter(refund -> refund.key().equals(key)).findFirst();
    }

    /**
     * What the refunds asked for so far add up to (completed or pending, not those the provider refused), plus what a
     * cancellation refunded.
     */
    public Money refundedTotal() {
        Money sum = refunds.stream().filter(refund -> !refund.isFailed()).map(RefundRecord::amount)
                .reduce(Money.zero(total.currency()), Money::plus);
        return cancellation == null ? sum : sum.plus(cancellation.refunded());
    }

    /** What can still be refunded of the captured total. */
    public Money refundable() {
        Money refunded = refundedTotal();
        // never negative, even if a provider refunded more than the order knew could be refunded
        return total.isGreaterThan(refunded) ? total.minus(refunded) : Money.zero(total.currency());
    }

    private Cancellation requireCancellation() {
        if (cancellation == null) {
            throw new IllegalStateException("order " + orderId + " has no cancellation");
        }
        return cancellation;
    }

    private Order revised(Cancellation newCancellation, List<RefundRecord> newRefunds, long newVersion, Instant at) {
        return new Order(orderId, customerId, email, correlationId, lines, total, paymentToken, status,
                newVersion, createdAt, at, history, payment, unavailableSkus, newCancellation, newRefunds, capture,
                fulfilment, pricing, shipping);
    }

    public Optional<Fulfilment> findFulfilment() {
        return Optional.ofNullable(fulfilment);
    }

    /**
     * The payment step may capture now: the order is captured on authorization, or on fulfilment and an admin has
     * recorded the fulfilment.
     */
    public boolean isDueForCapture() {
        return capture == CapturePolicy.ON_AUTHORIZATION || fulfilment != null;
    }

    /**
     * An authorized order that is captured on fulfilment and not fulfilled yet: it waits, for days perhaps, for an
     * admin; no step and no reconciler has anything to do for it.
     */
    public boolean isAwaitingFulfilment() {
        return status == OrderStatus.AUTHORIZED && !isDueForCapture();
    }

    /**
     * When the payment was authorized (the last move to AUTHORIZED), if it was: the provider's hold runs from then.
     */
    public Optional<Instant> findAuthorizedAt() {
        return history.reversed().stream().filter(change -> change.status() == OrderStatus.AUTHORIZED)
                .map(StatusChange::at).findFirst();
    }

    /**
     * An order waiting for its fulfilment whose authorization hold ends within {@code margin}: the provider keeps
     * a hold {@code hold} long after the authorization (AuthorizationHoldDays), then lets it lapse.
     */
    public boolean isHoldEndingWithin(Duration hold, Duration margin, Instant now) {
        return isAwaitingFulfilment() && findAuthorizedAt()
                .map(authorizedAt -> !now.isBefore(authorizedAt.plus(hold).minus(margin))).orElse(false);
    }

    /**
     * Who did what to this order, oldest first: the customer's cancellation, the warehouse's fulfilment, every admin
     * refund, each with its actor and time. Actions recorded without an actor (before actors were) are left out.
     */
    public List<AuditEntry> auditTrail() {
        List<AuditEntry> trail = new ArrayList<>();
        if (cancellation != null && cancellation.requestedBy() != null) {
            trail.add(new AuditEntry(AuditEntry.CANCELLATION_REQUESTED, cancellation.requestedBy(),
                    cancellation.requestedAt(), null));
        }
        if (fulfilment != null && fulfilment.recordedBy() != null) {
            trail.add(new AuditEntry(AuditEntry.FULFILMENT_RECORDED, fulfilment.recordedBy(), fulfilment.recordedAt(),
                    fulfilment.trackingNumber()));
        }
        for (RefundRecord refund : refunds) {
            if (refund.requestedBy() != null) {
                trail.add(new AuditEntry(AuditEntry.REFUND_REQUESTED, refund.requestedBy(), refund.requestedAt(),
                        refund.key()));
            }
        }
        trail.sort(Comparator.comparing(AuditEntry::at));
        return List.copyOf(trail);
    }

    /** Some step or the reconciler still has work to do for this order (it is in the open-orders index). */
    public boolean isOpen() {
        return !status.isFinal() && !isAwaitingFulfilment();
    }

    /**
     * The warehouse has this order to ship: confirmed (or, captured on fulfilment, authorized) and no fulfilment
     * recorded yet. These orders, and only these, are in the fulfilment queue ({@code GET /admin/orders}).
     */
    public boolean isAwaitingShipment() {
        return fulfilment == null && (status == OrderStatus.CONFIRMED || isAwaitingFulfilment());
    }

    /** The customer may still cancel: the status allows it and no fulfilment is recorded. */
    public boolean isCancellable() {
        return status.isCancellable() && fulfilment == null;
    }

    /** A provider refund this order does not know yet, recorded as completed. */
    public Order withProviderRefund(RefundRecord refund, Instant at) {
        if (!refund.isCompleted() || refunds.stream().anyMatch(known -> refund.refundId().equals(known.refundId()))) {
            throw new IllegalArgumentException("a provider refund is completed and new to the order");
        }
        List<RefundRecord> all = new ArrayList<>(refunds);
        all.add(refund);
        return revised(cancellation, all, version + 1, at);
    }

    public Optional<PaymentDetails> findPayment() {
        return Optional.ofNullable(payment);
    }

    /** The status the order has been in since {@link #updatedAt()}. */
    public boolean isIn(OrderStatus candidate) {
        return status == candidate;
    }
}
