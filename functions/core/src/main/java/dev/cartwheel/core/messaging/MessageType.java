package dev.cartwheel.core.messaging;

/** The business events that chain the steps, each with the step that consumes it. */
public enum MessageType {
    ORDER_PLACED("OrderPlaced", Step.INVENTORY),
    STOCK_RESERVED("StockReserved", Step.PAYMENT),
    ORDER_REJECTED("OrderRejected", Step.EMAIL),
    ORDER_PAID("OrderPaid", Step.EMAIL),
    /**
     * An order captured on fulfilment is authorized and waits for its fulfilment: the e-mail step sends the
     * confirmation now (it is not sent again when the order is captured).
     */
    ORDER_AUTHORIZED("OrderAuthorized", Step.EMAIL),
    /** An admin recorded the fulfilment of a confirmed order (FULFILLED): the e-mail step sends the shipping notice. */
    ORDER_FULFILLED("OrderFulfilled", Step.EMAIL),
    PAYMENT_FAILED("PaymentFailed", Step.EMAIL),
    /** The customer's cancellation is recorded (CANCELLING): the payment step runs the cancellation saga. */
    CANCEL_REQUESTED("CancelRequested", Step.PAYMENT),
    ORDER_CANCELLED("OrderCancelled", Step.EMAIL),
    /** An admin refund completed at the provider: the e-mail step sends one e-mail per refund. */
    REFUND_ISSUED("RefundIssued", Step.EMAIL),
    /**
     * The payment provider told (by a verified webhook) that a payment of the order changed: the payment step asks
     * the provider and moves the order on. Waits for an order that has not reached the payment step yet.
     */
    PAYMENT_UPDATED("PaymentUpdated", Step.PAYMENT),
    /** An admin recorded the fulfilment of an order captured on fulfilment: the payment step captures it. */
    FULFILMENT_RECORDED("FulfilmentRecorded", Step.PAYMENT),
    /** The reconciler found an order unpaid past its payment timeout: the payment step expires it. */
    EXPIRY_DUE("ExpiryDue", Step.PAYMENT),
    ORDER_EXPIRED("OrderExpired", Step.EMAIL),
    /**
     * The reconciler found an order that still owes e-mails long after its last change (their messages were lost,
     * e.g. to the DLQ during an SES outage): the e-mail step sends every e-mail the order's state calls for that has
     * not gone out, then clears the order's "e-mails owed" mark.
     */
    EMAILS_DUE("EmailsDue", Step.EMAIL);

    private final String wireName;
    private final Step destination;

    MessageType(String wireName, Step destination) {
        this.wireName = wireName;
        this.destination = destination;
    }

    /** The name on the wire, e.g. {@code OrderPlaced}. */
    public String wireName() {
        return wireName;
    }

    public Step destination() {
        return destination;
    }

    public static MessageType fromWireName(String name) {
        for (MessageType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown message type: " + name);
    }
}
