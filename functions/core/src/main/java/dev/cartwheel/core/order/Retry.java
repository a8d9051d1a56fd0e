package dev.cartwheel.core.order;

import dev.cartwheel.core.exceptions.ConcurrentUpdateException;
import dev.cartwheel.core.exceptions.StaleOrderException;
import dev.cartwheel.core.messaging.MessageRejectedException;
import java.util.function.Function;
import java.util.function.Supplier;

/** How the steps cope with races: re-read a stale order and decide again; retry a write that lost a conflict. */
public final class Retry {

    private static final int ATTEMPTS = 5;

    private Retry() {
    }

    /**
     * Reads the order, lets {@code decision} act on it, and starts over from a fresh read if the order
     * changed underneath ({@link StaleOrderException}) or the write lost a conflict ({@link ConcurrentUpdateException}).
     *
     * @throws MessageRejectedException if no such order exists
     */
    public static <T> T withCurrentOrder(OrderStore orders, String orderId, Function<Order, T> decision) {
        return onConflict(() -> {
            for (int attempt = 1; ; attempt++) {
                Order order = orders.find(orderId)
                        .orElseThrow(() -> new MessageRejectedException("no order " + orderId));
                try {
                    return decision.apply(order);
                } catch (StaleOrderException e) {
                    if (attempt == ATTEMPTS) {
                        throw e;
                    }
                }
            }
        });
    }

    public static <T> T onConflict(Supplier<T> action) {
        for (int attempt = 1; ; attempt++) {
            try {
                return action.get();
            } catch (ConcurrentUpdateException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(10L * attempt * attempt + (long) (Math.random() * 10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }
}
