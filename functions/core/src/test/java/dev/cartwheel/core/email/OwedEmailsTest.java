package dev.cartwheel.core.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which e-mails an order's state calls for, and when the store marks it as owing them. */
class OwedEmailsTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private static Order placed(CapturePolicy capture) {
        return Order.place("ord_1", "cust", "c@example.com", "corr",
                List.of(new OrderLine("CUP", "Cup", 2, new Money(1250, "USD"))), "tok", T0).withCapturePolicy(capture);
    }

    @Test
    void finalOutcomes_oweTheirEmail_andAreMarked_openOrdersAreNot() {
        Order pending = placed(CapturePolicy.ON_AUTHORIZATION);
        Order rejected = pending.transitionTo(OrderStatus.REJECTED, T0, "no stock");
        Order reserved = pending.transitionTo(OrderStatus.RESERVED, T0, "reserved");
        Order expired = reserved.transitionTo(OrderStatus.EXPIRED, T0, "late");
        Order failed = reserved.transitionTo(OrderStatus.PAYMENT_FAILED, T0, "declined");

        assertThat(OwedEmails.of(rejected)).containsExactly(new OwedEmails.Owed(EmailType.ORDER_REJECTED, ""));
        assertThat(OwedEmails.of(expired)).containsExactly(new OwedEmails.Owed(EmailType.ORDER_EXPIRED, ""));
        assertThat(OwedEmails.of(failed)).containsExactly(new OwedEmails.Owed(EmailType.PAYMENT_FAILED, ""));
        assertThat(List.of(rejected, expired, failed)).allMatch(OwedEmails::isMarked);
        assertThat(List.of(pending, reserved)).noneMatch(OwedEmails::isMarked);
    }

    @Test
    void aConfirmedOrder_owesNothing_anOrderWaitingForItsFulfilment_owesItsConfirmation() {
        Order authorized = placed(CapturePolicy.ON_AUTHORIZATION).transitionTo(OrderStatus.RESERVED, T0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, T0, "a");
        Order confirmed = authorized.transitionTo(OrderStatus.PAID, T0, "p").transitionTo(OrderStatus.CONFIRMED, T0, "c");
        Order waiting = placed(CapturePolicy.ON_FULFILMENT).transitionTo(OrderStatus.RESERVED, T0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, T0, "a");

        assertThat(OwedEmails.isMarked(authorized)).as("open: its step's nudge ends in its e-mail").isFalse();
        assertThat(OwedEmails.of(confirmed)).as("written after the confirmation went out").isEmpty();
        assertThat(OwedEmails.isMarked(waiting)).isTrue();
        assertThat(OwedEmails.of(waiting)).containsExactly(new OwedEmails.Owed(EmailType.ORDER_CONFIRMED, ""));
    }
}
