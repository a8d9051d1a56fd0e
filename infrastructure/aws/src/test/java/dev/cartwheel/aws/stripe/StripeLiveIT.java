package dev.cartwheel.aws.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentRejectedException;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The adapter against Stripe's real test mode: runs only when {@code STRIPE_TEST_SECRET_KEY} holds a test key
 * ({@code sk_test_...}; never a live key), and is skipped with that reason otherwise (e.g. on a machine without
 * internet). Uses Stripe's test PaymentMethods; no money moves.
 */
class StripeLiveIT {

    private static final Money TOTAL = new Money(1234, "USD");
    private StripePaymentGateway gateway;

    @BeforeEach
    void key() {
        String key = System.getenv("STRIPE_TEST_SECRET_KEY");
        assumeTrue(key != null && !key.isBlank(), "STRIPE_TEST_SECRET_KEY is not set: the live check against Stripe's test mode is skipped");
        assumeTrue(key.startsWith("sk_test_") || key.startsWith("rk_test_"), "STRIPE_TEST_SECRET_KEY is not a test-mode key");
        gateway = new StripePaymentGateway(new StripeClient(URI.create(System.getenv().getOrDefault("STRIPE_API_BASE",
                "https://api.stripe.com")), () -> key, StripeClient.Settings.defaults(), Json.mapper()));
    }

    @Test
    void visa_heldCapturedPartlyRefunded_andReplayedByKey() {
        String order = "ord_" + UUID.randomUUID();
        Authorization held = gateway.authorize(PaymentGateway.key(order, "authorize"), "pm_card_visa", TOTAL);
        assertThat(held.approved()).isTrue();
        assertThat(held.last4()).isEqualTo("4242");
        assertThat(gateway.authorize(PaymentGateway.key(order, "authorize"), "pm_card_visa", TOTAL).paymentId())
                .isEqualTo(held.paymentId());
        assertThat(gateway.capture(PaymentGateway.key(order, "capture"), held.paymentId(), TOTAL).amount()).isEqualTo(TOTAL);
        var refund = gateway.refund(PaymentGateway.key(order, "refund:live"), held.paymentId(), new Money(234, "USD"));
        assertThat(gateway.findRefunds(held.paymentId())).extracting(r -> r.refundId()).contains(refund.refundId());
        assertThatThrownBy(() -> gateway.refund(PaymentGateway.key(order, "refund:over"), held.paymentId(), TOTAL))
                .isInstanceOf(PaymentRejectedException.class);
    }

    @Test
    void declines_andThreeDSecure() {
        assertThat(gateway.authorize(PaymentGateway.key("ord_" + UUID.randomUUID(), "authorize"),
                "pm_card_chargeDeclinedInsufficientFunds", TOTAL)).isEqualTo(Authorization.declined("insufficient_funds"));
        Authorization pending = gateway.authorize(PaymentGateway.key("ord_" + UUID.randomUUID(), "authorize"),
                "pm_card_authenticationRequired", TOTAL);
        assertThat(pending.pending()).isTrue();
        assertThat(pending.nextAction().clientSecret()).startsWith(pending.paymentId());
        gateway.voidAuthorization(PaymentGateway.key("ord_live", "void"), pending.paymentId());
    }
}
