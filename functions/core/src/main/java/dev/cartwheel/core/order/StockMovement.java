package dev.cartwheel.core.order;

import java.util.List;
import java.util.Objects;

/**
 * A change to one SKU's stock counters that travels atomically with an order transition.
 *
 * <ul>
 *   <li>{@link Kind#RESERVE}: available -= quantity, reserved += quantity, only if available &gt;= quantity</li>
 *   <li>{@link Kind#RELEASE}: reserved -= quantity, available += quantity</li>
 *   <li>{@link Kind#COMMIT}: reserved -= quantity, sold += quantity</li>
 *   <li>{@link Kind#RESTOCK}: sold -= quantity, available += quantity (a paid order cancelled)</li>
 * </ul>
 */
public record StockMovement(String sku, int quantity, Kind kind) {

    public enum Kind { RESERVE, RELEASE, COMMIT, RESTOCK }

    public StockMovement {
        Objects.requireNonNull(sku, "sku");
        Objects.requireNonNull(kind, "kind");
        if (quantity < 1) {
            throw new IllegalArgumentException("quantity must be positive");
        }
    }

    /** One movement of {@code kind} per line of the order. */
    public static List<StockMovement> forLines(List<OrderLine> lines, Kind kind) {
        return lines.stream().map(line -> new StockMovement(line.sku(), line.quantity(), kind)).toList();
    }
}
