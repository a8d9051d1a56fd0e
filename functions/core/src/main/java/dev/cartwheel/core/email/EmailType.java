package dev.cartwheel.core.email;

/** The customer-facing e-mails, each sent at most once per order (a refund e-mail once per refund) (see {@link EmailClaims}). */
public enum EmailType {
    ORDER_CONFIRMED("order-confirmed", "Your order is confirmed"),
    ORDER_REJECTED("order-rejected", "We could not take your order"),
    PAYMENT_FAILED("payment-failed", "Your payment did not go through"),
    ORDER_CANCELLED("order-cancelled", "Your order is cancelled"),
    /** One per refund of the order (the claim is per refund, see {@link EmailClaims#claim(String, EmailType, String, java.time.Instant, java.time.Instant)}). */
    ORDER_REFUNDED("order-refunded", "You have been refunded"),
    ORDER_EXPIRED("order-expired", "Your order has expired"),
    /** The order's fulfilment is recorded: it shipped, with the tracking number if the warehouse gave one. */
    ORDER_SHIPPED("order-shipped", "Your order is on its way");

    private final String templateName;
    private final String subject;

    EmailType(String templateName, String subject) {
        this.templateName = templateName;
        this.subject = subject;
    }

    public String templateName() {
        return templateName;
    }

    public String subject() {
        return subject;
    }
}
