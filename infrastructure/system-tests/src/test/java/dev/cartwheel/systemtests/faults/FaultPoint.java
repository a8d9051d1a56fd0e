package dev.cartwheel.systemtests.faults;

/** Where a test can make the pipeline fail on purpose. */
public enum FaultPoint {
    /** Checkout wrote the order (and its idempotency record), then died before sending {@code OrderPlaced}. */
    CHECKOUT_CRASH_BEFORE_SEND(true),
    /** The inventory step's transaction committed, then the function died. */
    INVENTORY_CRASH_AFTER_COMMIT(true),
    /** The inventory step decided and committed, then died before sending the next message. */
    INVENTORY_CRASH_BEFORE_SEND(true),
    /** The provider authorized, then the payment function died before AUTHORIZED was written. */
    PAYMENT_CRASH_AFTER_AUTHORIZE(true),
    /** The provider captured (the customer is charged), then the payment function died before PAID was written. */
    PAYMENT_CRASH_AFTER_CHARGE(true),
    /** A payment transition committed (AUTHORIZED, PAID or PAYMENT_FAILED with its stock release), then the function died. */
    PAYMENT_CRASH_AFTER_COMMIT(true),
    /** The payment step committed, then died before sending the e-mail message. */
    PAYMENT_CRASH_BEFORE_SEND(true),
    /** The e-mail step claimed the e-mail, then died before calling SES. */
    EMAIL_CRASH_BEFORE_SES(true),
    /** SES accepted the e-mail, then the function died before the claim was marked sent: the documented window. */
    EMAIL_CRASH_AFTER_SES_ACCEPTED(true),
    /** The e-mail went out and PAID -> CONFIRMED committed, then the function died. */
    EMAIL_CRASH_AFTER_COMMIT(true),
    /** The cancellation saga returned the stock (committed with the order's flag), then died before settling the payment. */
    CANCEL_CRASH_AFTER_STOCK_RETURNED(true),
    /** The provider voided or refunded, then the function died before the order recorded it. */
    CRASH_AFTER_VOID_OR_REFUND(true),
    /** The provider answered with a transient error ({@code processing_error}) instead of a result. */
    PROVIDER_ERROR(false),
    /** A producer sent the same business event twice (two SQS messages, two message ids). */
    DUPLICATE_SEND(false),
    /** SQS delivered the same batch twice (same message ids), as after a visibility timeout. */
    REDELIVERY(false),
    /**
     * SES refused a {@code SendEmail} (503 Service Unavailable): nothing was sent, the e-mail step's delivery fails and
     * comes back after the queue's visibility timeout, its claim still taken until the lease ends.
     */
    SES_ERROR(false),
    /** DynamoDB throttled a {@code TransactWriteItems} ({@code ProvisionedThroughputExceededException}). */
    THROTTLE(false),
    /** DynamoDB cancelled a {@code TransactWriteItems} with {@code TransactionConflict}. */
    TRANSACTION_CONFLICT(false),
    /**
     * The provider refused a capture for good ({@code PaymentRejectedException}, e.g. the authorization lapsed), the
     * same whichever gateway is underneath.
     */
    PROVIDER_REJECTS_CAPTURE(false),
    /** The provider refused a refund for good ({@code PaymentRejectedException}). */
    PROVIDER_REJECTS_REFUND(false),
    /** The reservation (order RESERVED with its stock) committed, but its response was lost: the step sees a read timeout. */
    LOST_RESPONSE_RESERVATION(false),
    /** PAID (with the stock committed as sold) committed, but its response was lost. */
    LOST_RESPONSE_PAID(false),
    /** CANCELLED committed, but its response was lost. */
    LOST_RESPONSE_CANCELLED(false),
    /** A refund recorded on the order (before the provider call) committed, but its response was lost. */
    LOST_RESPONSE_REFUND(false),
    /** The e-mail claim's "mark sent" committed, but its response was lost. */
    LOST_RESPONSE_MARK_SENT(false);

    private final boolean crash;

    FaultPoint(boolean crash) {
        this.crash = crash;
    }

    /** A crash kills the whole invocation ({@link SimulatedCrash}); the other faults are errors the code sees. */
    public boolean isCrash() {
        return crash;
    }

    /**
     * How often a random fault plan may fire this point for one order: a crash once, a transient provider or SES error
     * twice (so every message gets through well within {@code maxReceiveCount}), duplicates, throttles and the rest
     * without a bound.
     */
    public int perOrderBound() {
        return crash ? 1 : this == PROVIDER_ERROR || this == SES_ERROR ? 2 : Integer.MAX_VALUE;
    }

    /**
     * A definitive refusal by the provider: it changes how an order ends (PAYMENT_FAILED, a FAILED refund), so the
     * soak, whose invariants assume every paid order completes, does not inject it.
     */
    public boolean isRefusal() {
        return this == PROVIDER_REJECTS_CAPTURE || this == PROVIDER_REJECTS_REFUND;
    }
}
