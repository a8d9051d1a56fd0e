package dev.cartwheel.aws.stripe;

/**
 * An error answer of Stripe's API that retrying with the same key cannot change (4xx other than lock timeouts and
 * rate limits): {@code {"error": {"type", "code", "decline_code", "message", ...}}}. The gateway turns it into a
 * decline, a definitive refusal or "not found". Never carries the API key.
 *
 * @param status      the HTTP status
 * @param type        {@code card_error}, {@code invalid_request_error}, {@code idempotency_error}, ...
 * @param code        Stripe's error code, e.g. {@code payment_intent_unexpected_state}; may be null
 * @param declineCode the card issuer's reason of a {@code card_error}; may be null
 */
public final class StripeApiException extends RuntimeException {

    private final int status;
    private final String type;
    private final String code;
    private final String declineCode;
    private final transient com.fasterxml.jackson.databind.JsonNode error;

    StripeApiException(int status, String type, String code, String declineCode, String message,
                       com.fasterxml.jackson.databind.JsonNode error) {
        super("Stripe answered " + status + " " + type + (code == null ? "" : " " + code) + ": " + message);
        this.status = status;
        this.type = type;
        this.code = code;
        this.declineCode = declineCode;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    public String declineCode() {
        return declineCode;
    }

    /** The {@code error} object as Stripe sent it (for a card error it holds the {@code payment_intent}). */
    public com.fasterxml.jackson.databind.JsonNode error() {
        return error;
    }

    /** The most specific reason Stripe gave: decline code, else code, else type. */
    public String reason() {
        return declineCode != null ? declineCode : code != null ? code : type;
    }
}
