package dev.cartwheel.core.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmailRendererTest {

    private final EmailRenderer renderer = new EmailRenderer();
    private final Instant t0 = Instant.parse("2026-11-25T10:00:00Z");

    private Order order(String productName) {
        return Order.place("ord_1", "alice", "alice@example.com", "corr-1",
                List.of(new OrderLine("SKU-1", productName, 2, new Money(1250, "USD"))), "tok_visa", t0);
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
    void headers_neverCarryLineBreaks() {
        assertThatThrownBy(() -> new EmailMessage("a@example.com\r\nBcc: x@example.com", "s", "t", "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EmailMessage("a@example.com", "s\n", "t", "h"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
