package dev.cartwheel.core.order;

/**
 * An order the reconciler has work for (open, or owing an e-mail), with how many times the reconciler has nudged it
 * since its last change. Any real change of the order resets {@code nudges} to 0.
 */
public record StuckOrder(Order order, int nudges) {

    public StuckOrder {
        if (order == null || nudges < 0) {
            throw new IllegalArgumentException("a stuck order needs its order and a non-negative nudge count");
        }
    }
}
