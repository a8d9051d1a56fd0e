package dev.cartwheel.emulators.stripe;

import java.util.Map;
import java.util.Optional;

/**
 * Stripe's test PaymentMethods (https://docs.stripe.com/testing), as the simulator knows them: what each one does
 * when a PaymentIntent is confirmed with it.
 *
 * @param declineCode            set for a card that is declined ({@code card_error}, HTTP 402)
 * @param errorCode              the error's {@code code} of a declined card
 * @param requiresAuthentication 3-D Secure: the intent waits in {@code requires_action}
 */
public record TestCard(String id, String brand, String last4, String errorCode, String declineCode, String message,
                       boolean requiresAuthentication) {

    private static final Map<String, TestCard> CARDS = Map.ofEntries(
            ok("pm_card_visa", "visa", "4242"),
            ok("pm_card_visa_debit", "visa", "5556"),
            ok("pm_card_mastercard", "mastercard", "4444"),
            ok("pm_card_amex", "amex", "8431"),
            declined("pm_card_chargeDeclined", "0002", "card_declined", "generic_decline", "Your card was declined."),
            declined("pm_card_chargeDeclinedInsufficientFunds", "9995", "card_declined", "insufficient_funds",
                    "Your card has insufficient funds."),
            declined("pm_card_chargeDeclinedLostCard", "9987", "card_declined", "lost_card", "Your card was declined."),
            declined("pm_card_chargeDeclinedStolenCard", "9979", "card_declined", "stolen_card", "Your card was declined."),
            declined("pm_card_chargeDeclinedExpiredCard", "0069", "expired_card", "expired_card", "Your card has expired."),
            declined("pm_card_chargeDeclinedIncorrectCvc", "0127", "incorrect_cvc", "incorrect_cvc",
                    "Your card's security code is incorrect."),
            declined("pm_card_chargeDeclinedProcessingError", "0119", "processing_error", "processing_error",
                    "An error occurred while processing your card. Try again in a little bit."),
            Map.entry("pm_card_authenticationRequired",
                    new TestCard("pm_card_authenticationRequired", "visa", "3184", null, null, null, true)),
            Map.entry("pm_card_threeDSecure2Required",
                    new TestCard("pm_card_threeDSecure2Required", "visa", "3220", null, null, null, true)));

    /** The test card of a PaymentMethod id, if Stripe's test mode has one by that id. */
    public static Optional<TestCard> of(String paymentMethodId) {
        return Optional.ofNullable(paymentMethodId == null ? null : CARDS.get(paymentMethodId));
    }

    private static Map.Entry<String, TestCard> ok(String id, String brand, String last4) {
        return Map.entry(id, new TestCard(id, brand, last4, null, null, null, false));
    }

    private static Map.Entry<String, TestCard> declined(String id, String last4, String code, String declineCode, String message) {
        return Map.entry(id, new TestCard(id, "visa", last4, code, declineCode, message, false));
    }
}
