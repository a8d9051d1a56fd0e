package dev.cartwheel.core.exceptions;

import java.util.List;

/** A reservation found fewer units than ordered for these SKUs; nothing was reserved. */
public final class InsufficientStockException extends CartwheelException {

    private final List<String> skus;

    public InsufficientStockException(List<String> skus) {
        super("not enough stock for " + skus);
        this.skus = List.copyOf(skus);
    }

    public List<String> skus() {
        return skus;
    }
}
