package dev.cartwheel.core.exceptions;

import java.util.Objects;

/**
 * A request the caller must fix: {@code problem} names the kind (a stable slug used in the problem
 * type URI), {@code field} the offending field as a JSON pointer ({@code /items/0/quantity}) or header.
 */
public final class InvalidRequestException extends CartwheelException {

    private final Problem problem;
    private final String field;

    public InvalidRequestException(Problem problem, String field, String detail) {
        super(detail);
        this.problem = Objects.requireNonNull(problem, "problem");
        this.field = Objects.requireNonNull(field, "field");
    }

    public Problem problem() {
        return problem;
    }

    public String field() {
        return field;
    }

    /** The kinds of bad request, each with its HTTP status and stable slug. */
    public enum Problem {
        MALFORMED_JSON(400, "malformed-json", "Malformed JSON"),
        INVALID_FIELD(400, "invalid-field", "Invalid field"),
        UNKNOWN_FIELD(400, "unknown-field", "Unknown field"),
        CARD_DATA_REJECTED(400, "card-data-rejected", "Card data is not accepted"),
        MISSING_HEADER(400, "missing-header", "Missing header"),
        INVALID_HEADER(400, "invalid-header", "Invalid header"),
        MISSING_CLAIM(400, "missing-claim", "Missing token claim"),
        BODY_TOO_LARGE(413, "body-too-large", "Request body too large"),
        IDEMPOTENCY_KEY_REUSED(409, "idempotency-key-reused", "Idempotency key reused with a different request"),
        UNKNOWN_SKU(422, "unknown-sku", "Unknown SKU"),
        ORDER_NOT_CANCELLABLE(409, "order-not-cancellable", "Order cannot be cancelled"),
        ORDER_NOT_REFUNDABLE(409, "order-not-refundable", "Order cannot be refunded"),
        ORDER_NOT_FULFILLABLE(409, "order-not-fulfillable", "Order cannot be fulfilled"),
        REFUND_EXCEEDS_CAPTURED(422, "refund-exceeds-captured", "Refund exceeds what is left of the capture"),
        INVALID_CURSOR(400, "invalid-cursor", "Invalid cursor"),
        NOT_SHIPPED_TO(400, "not-shipped-to", "The shop does not ship to this country"),
        UNKNOWN_SHIPPING_METHOD(400, "unknown-shipping-method", "Unknown shipping method"),
        EMAIL_UNVERIFIED(403, "email-unverified", "E-mail address not verified"),
        PRODUCT_NOT_FOUND(404, "not-found", "Not found"),
        INSUFFICIENT_STOCK(409, "insufficient-stock", "Not enough stock"),
        PRECONDITION_FAILED(412, "precondition-failed", "Precondition failed"),
        PRECONDITION_REQUIRED(428, "precondition-required", "Precondition required"),
        TOO_MANY_OPEN_ORDERS(429, "too-many-open-orders", "Too many open orders");

        private final int status;
        private final String slug;
        private final String title;

        Problem(int status, String slug, String title) {
            this.status = status;
            this.slug = slug;
            this.title = title;
        }

        public int status() {
            return status;
        }

        public String slug() {
            return slug;
        }

        public String title() {
            return title;
        }
    }
}
