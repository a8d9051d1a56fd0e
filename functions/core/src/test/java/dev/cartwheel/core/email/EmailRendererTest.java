package dev.cartwheel.core.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Cancellation;
import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailRendererTest {

    private final EmailRenderer renderer = new EmailRenderer();
    private final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");

    private Order order(String productName) {
        return Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", productName, 2, new Money(1250, "USD"))), "pm_card_visa", t0);
    }

    @Test
    void confirmation_listsItemsAndTotal_inTextAndHtml() {
        Order paid = order("Espresso cup").transitionTo(OrderStatus.RESERVED, t0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, t0, "a").transitionTo(OrderStatus.PAID, t0, "p");
        EmailMessage message = renderer.render(EmailType.ORDER_CONFIRMED, paid);
        assertThat(message.to()).isEqualTo("alice@example.com");
        assertThat(message.subject()).contains("ord_1");
        assertThat(message.text()).contains("2 x Espresso cup (SKU-1) 25.00 USD").contains("Total: 25.00 USD");
        assertThat(message.html()).contains("<li>2 x Espresso cup (SKU-1) 25.00 USD</li>");
    }

    @Test
    void confirmation_saysWhenTheCustomerIsCharged_nowOrWhenTheOrderShips() {
        Order authorized = order("Espresso cup").withCapturePolicy(CapturePolicy.ON_FULFILMENT)
                .transitionTo(OrderStatus.RESERVED, t0, "r").transitionTo(OrderStatus.AUTHORIZED, t0, "a");
        Order paid = order("Espresso cup").transitionTo(OrderStatus.RESERVED, t0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, t0, "a").transitionTo(OrderStatus.PAID, t0, "p");

        assertThat(renderer.render(EmailType.ORDER_CONFIRMED, authorized).text())
                .contains("Your payment method is charged 25.00 USD when your order ships.");
        assertThat(renderer.render(EmailType.ORDER_CONFIRMED, paid).html())
                .contains("Your payment method has been charged 25.00 USD.");
    }

    @Test
    void shippingNotice_givesTheTrackingNumber_whenThereIsOne() {
        Order confirmed = order("Espresso cup").transitionTo(OrderStatus.RESERVED, t0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, t0, "a").transitionTo(OrderStatus.PAID, t0, "p")
                .transitionTo(OrderStatus.CONFIRMED, t0, "c");
        Order tracked = confirmed.withFulfilmentRecorded(new Fulfilment("1Z<999>", t0), t0)
                .transitionTo(OrderStatus.FULFILLED, t0, "f");
        Order untracked = confirmed.withFulfilmentRecorded(new Fulfilment(null, t0), t0)
                .transitionTo(OrderStatus.FULFILLED, t0, "f");

        EmailMessage withNumber = renderer.render(EmailType.ORDER_SHIPPED, tracked);
        assertThat(withNumber.subject()).isEqualTo("Your order is on its way (ord_1)");
        assertThat(withNumber.text()).contains("has shipped").contains("Tracking number: 1Z<999>");
        assertThat(withNumber.html()).contains("Tracking number: 1Z&lt;999&gt;");
        assertThat(renderer.render(EmailType.ORDER_SHIPPED, untracked).text()).doesNotContain("Tracking number");
    }

    @Test
    void values_areHtmlEscaped() {
        EmailMessage message = renderer.render(EmailType.ORDER_CONFIRMED, order("<script>alert('x')</script> & co"));
        assertThat(message.html()).doesNotContain("<script>")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
        assertThat(message.text()).contains("<script>");
    }

    @Test
    void rejection_namesTheShortSkus() {
        Order rejected = order("Cup").transitionTo(OrderStatus.REJECTED, t0, "not enough stock for SKU-1")
                .withUnavailableSkus(List.of("SKU-1"));
        assertThat(renderer.render(EmailType.ORDER_REJECTED, rejected).text()).contains("Not enough stock for: SKU-1");
    }

    @Test
    void cancellation_saysWhyAndWhatHappenedToTheMoney_withTheCustomersReasonEscaped() {
        Order cancelled = order("Cup").transitionTo(OrderStatus.RESERVED, t0, "r")
                .requestCancellation("<b>wrong</b> size", t0).withStockReturned(t0)
                .cancel(Cancellation.Settlement.VOIDED, new Money(0, "USD"), t0);

        EmailMessage message = renderer.render(EmailType.ORDER_CANCELLED, cancelled);

        assertThat(message.subject()).isEqualTo("Your order is cancelled (ord_1)");
        assertThat(message.text()).contains("is cancelled (<b>wrong</b> size)").contains("nothing was charged");
        assertThat(message.html()).contains("&lt;b&gt;wrong&lt;/b&gt; size").doesNotContain("<b>wrong")
                .contains("<li>2 x Cup (SKU-1) 25.00 USD</li>");
    }

    @Test
    void refund_namesItsAmountReasonAndTheRunningTotal() {
        Order paid = order("Cup").transitionTo(OrderStatus.RESERVED, t0, "r")
                .transitionTo(OrderStatus.AUTHORIZED, t0, "a").transitionTo(OrderStatus.PAID, t0, "p")
                .withRefundRequested(new RefundRecord("k1", new Money(500, "USD"), "chipped", t0, "re_1"), t0)
                .withRefundRequested(new RefundRecord("k2", new Money(250, "USD"), "late & cold", t0, "re_2"), t0);

        EmailMessage message = renderer.render(EmailType.ORDER_REFUNDED, paid, paid.findRefund("k2").orElseThrow());

        assertThat(message.text()).contains("We refunded 2.50 USD").contains("(late & cold)")
                .contains("Refunded so far: 7.50 USD of 25.00 USD");
        assertThat(message.html()).contains("late &amp; cold").contains("<strong>2.50 USD</strong>");
    }

    @Test
    void everyTemplate_hasNoPlaceholderLeft() {
        Order cancelled = order("Cup").requestCancellation("why", t0).cancel(Cancellation.Settlement.NOTHING_TO_SETTLE,
                new Money(0, "USD"), t0);
        RefundRecord refund = new RefundRecord("k1", new Money(500, "USD"), "r", t0, "re_1");
        for (EmailType type : EmailType.values()) {
            EmailMessage message = renderer.render(type, cancelled, refund);
            assertThat(message.text() + message.html()).as(type.name()).doesNotContain("{{").doesNotContain("}}");
        }
    }

    @Test
    void headers_neverCarryLineBreaks() {
        assertThatThrownBy(() -> new EmailMessage("a@example.com\r\nBcc: x@example.com", "s", "t", "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmailMessage("a@example.com", "s\n", "t", "h"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shippingNotice_saysWhereTheOrderGoes_escapedInHtml_andTheConfirmationGivesTheAmounts() {
        dev.cartwheel.core.tax.AppliedRate vat = new dev.cartwheel.core.tax.AppliedRate("standard",
                dev.cartwheel.core.tax.TaxRate.ofPercent("19"));
        dev.cartwheel.core.pricing.OrderPricer.Priced priced = dev.cartwheel.core.pricing.OrderPricer.price(
                List.of(new dev.cartwheel.core.pricing.OrderPricer.Item(new OrderLine("SKU-1", "Cup", 2, new Money(1250, "USD")), vat)),
                new Money(1999, "USD"), vat, dev.cartwheel.core.pricing.PricingMode.NET);
        Order placed = Order.place("ord_2", "erin", "erin@example.com", "corr-2", priced.lines(), priced.pricing(),
                new dev.cartwheel.core.shipping.OrderShipping("standard", "Standard", "DE", null, 3, 7), "pm_card_visa", t0);
        Order confirmed = placed.transitionTo(OrderStatus.RESERVED, t0, "r").transitionTo(OrderStatus.AUTHORIZED, t0, "a")
                .transitionTo(OrderStatus.PAID, t0, "p");
        Order shipped = confirmed.transitionTo(OrderStatus.CONFIRMED, t0, "c")
                .withFulfilmentRecorded(new Fulfilment(null, t0), t0).transitionTo(OrderStatus.FULFILLED, t0, "f");
        dev.cartwheel.core.shipping.ShippingAddress address = new dev.cartwheel.core.shipping.ShippingAddress(
                "Erin <Müller>", "Straße des 17. Juni 135", null, "Berlin", null, "10623", "DE", null);

        EmailMessage notice = renderer.render(EmailType.ORDER_SHIPPED, shipped, null, address);
        EmailMessage confirmation = renderer.render(EmailType.ORDER_CONFIRMED, confirmed);

        assertThat(notice.text()).contains("Shipping Standard to:", "Erin <Müller>", "Straße des 17. Juni 135", "10623 Berlin", "DE");
        assertThat(notice.html()).contains("Erin &lt;Müller&gt;").doesNotContain("<Müller>");
        // 25.00 + 19.99 shipping, tax 4.75 + 3.80
        assertThat(confirmation.text()).contains("Subtotal 25.00 USD, shipping 19.99 USD, tax 8.55 USD", "Total: 53.54 USD");
        assertThat(renderer.render(EmailType.ORDER_CONFIRMED, confirmed).text()).doesNotContain("Müller");
    }
}
