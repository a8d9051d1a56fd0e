package dev.cartwheel.core.email;

/** The customer-facing e-mails, each sent at most once per order (see {@link EmailClaims}). */
public enum EmailType {
    ORDER_CONFIRMED("order-confirmed", "Your order is confirmed"),
    ORDER_REJECTED("order-rejected", "We could not take your order"),
    PAYMENT_FAILED("payment-failed", "Your payment did not go through");

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
