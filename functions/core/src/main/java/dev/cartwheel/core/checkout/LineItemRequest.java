package dev.cartwheel.core.checkout;

/** One requested line as the client sent it; validated by {@link OrderRequestValidator}. */
public record LineItemRequest(String sku, Integer quantity) {
}
