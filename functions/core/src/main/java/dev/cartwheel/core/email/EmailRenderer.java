package dev.cartwheel.core.email;

import dev.cartwheel.core.order.CapturePolicy;
import dev.cartwheel.core.order.Fulfilment;
import dev.cartwheel.core.order.Order;
import dev.cartwheel.core.order.OrderLine;
import dev.cartwheel.core.order.OrderStatus;
import dev.cartwheel.core.order.RefundRecord;
import dev.cartwheel.core.shipping.OrderShipping;
import dev.cartwheel.core.shipping.ShippingAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Renders the e-mail of a type for an order from the text and HTML templates in
 * {@code /dev/cartwheel/core/email/templates/}. Placeholders are {@code {{name}}}; every value is
 * HTML-escaped in the HTML body. Templates are read once.
 */
public final class EmailRenderer {

    private final Map<EmailType, String> textTemplates = new EnumMap<>(EmailType.class);
    private final Map<EmailType, String> htmlTemplates = new EnumMap<>(EmailType.class);

    public EmailRenderer() {
        for (EmailType type : EmailType.values()) {
            textTemplates.put(type, load(type.templateName() + ".txt"));
            htmlTemplates.put(type, load(type.templateName() + ".html"));
        }
    }

    public EmailMessage render(EmailType type, Order order) {
        return render(type, order, null);
    }

    /** @param refund the refund an {@link EmailType#ORDER_REFUNDED} e-mail is about, else {@code null} */
    public EmailMessage render(EmailType type, Order order, RefundRecord refund) {
        return render(type, order, refund, null);
    }

    /** @param address where the order ships, for the shipping notice; else {@code null} */
    public EmailMessage render(EmailType type, Order order, RefundRecord refund, ShippingAddress address) {
        String subject = type.subject() + " (" + order.orderId() + ")";
        return new EmailMessage(order.email(), subject, fill(textTemplates.get(type), order, refund, address, false),
                fill(htmlTemplates.get(type), order, refund, address, true));
    }

    private static String fill(String template, Order order, RefundRecord refund, ShippingAddress address, boolean html) {
        StringBuilder lines = new StringBuilder();
        for (OrderLine line : order.lines()) {
            String text = line.quantity() + " x " + line.name() + " (" + line.sku() + ") "
                    + line.lineTotal().toDisplayString();
            lines.append(html ? "<li>" + escape(text) + "</li>" : "- " + text).append('\n');
        }
        String reason = order.history().getLast().reason();
        return template
                .replace("{{orderId}}", value(order.orderId(), html))
                .replace("{{total}}", value(order.total().toDisplayString(), html))
                .replace("{{unavailableSkus}}", value(String.join(", ", order.unavailableSkus()), html))
                .replace("{{reason}}", value(reason, html))
                .replace("{{settlement}}", value(settlement(order), html))
                .replace("{{refundAmount}}", value(refund == null ? "" : refund.amount().toDisplayString(), html))
                .replace("{{refundReason}}", value(refund == null ? "" : refund.reason(), html))
                .replace("{{refundedTotal}}", value(order.refundedTotal().toDisplayString(), html))
                .replace("{{charge}}", value(charge(order), html))
                .replace("{{tracking}}", value(order.findFulfilment().map(Fulfilment::trackingNumber)
                        .map(number -> "Tracking number: " + number).orElse(""), html))
                .replace("{{amounts}}", value(amounts(order), html))
                .replace("{{shippingMethod}}", value(order.findShipping().map(OrderShipping::methodName).orElse(""), html))
                .replace("{{address}}", address == null ? "" : String.join(html ? "<br>\n" : "\n",
                        address.labelLines().stream().map(line -> value(line, html)).toList()))
                .replace("{{lines}}", lines.toString().stripTrailing());
    }

    /** "Subtotal 25.00 USD, shipping 5.00 USD, tax 2.10 USD": the order's frozen amounts (none for older orders). */
    private static String amounts(Order order) {
        return order.findPricing().map(p -> "Subtotal " + p.subtotal().toDisplayString() + ", shipping "
                + p.shipping().toDisplayString() + ", tax " + p.tax().toDisplayString()
                + (p.pricesIncludeTax() ? " (included in the prices)" : "")).orElse("");
    }

    /** One sentence on when the customer pays: now, or (captured on fulfilment) when the order ships. */
    private static String charge(Order order) {
        return order.capture() == CapturePolicy.ON_FULFILMENT && order.isIn(OrderStatus.AUTHORIZED)
                ? "Your payment method is charged " + order.total().toDisplayString() + " when your order ships."
                : "Your payment method has been charged " + order.total().toDisplayString() + ".";
    }

    /** One sentence on what happened to the customer's money when the order was cancelled. */
    private static String settlement(Order order) {
        return order.findCancellation().map(cancellation -> switch (cancellation.settlement()) {
            case VOIDED -> "The hold on your payment method was released; nothing was charged.";
            case REFUNDED -> cancellation.refunded().amount() > 0
                    ? cancellation.refunded().toDisplayString() + " was refunded to your payment method."
                    : "Your payment had already been refunded in full.";
            case NOTHING_TO_SETTLE, OPEN -> "Nothing was charged.";
            // the provider refused the refund: the customer is not told of a refund that did not happen
            case REFUND_FAILED -> "We will contact you about your payment.";
        }).orElse("");
    }

    private static String value(String raw, boolean html) {
        return html ? escape(raw) : raw;
    }

    /** Escapes the five characters that matter in HTML text and attributes. */
    public static String escape(String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (char c : raw.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String load(String name) {
        try (InputStream in = EmailRenderer.class.getResourceAsStream("templates/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing e-mail template " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
