package dev.cartwheel.core.testing;

import dev.cartwheel.core.catalog.Product;
import dev.cartwheel.core.catalog.ProductCatalog;
import dev.cartwheel.core.catalog.ProductPage;
import dev.cartwheel.core.catalog.ProductUpdate;
import dev.cartwheel.core.catalog.StockAdjustment;
import dev.cartwheel.core.catalog.StockLedger;
import dev.cartwheel.core.exceptions.InsufficientStockException;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.order.StockMovement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The catalog, its stock counters and the stock ledger in memory, with the products table's conditions: a reservation
 * needs the units available, a release or a commit the units reserved, a restock the units sold, an adjustment never
 * takes {@code available} below zero, and every set of movements is applied all or nothing. An edit is conditional on
 * the product's version, a ledger entry is written once per (SKU, key).
 */
public final class InMemoryCatalog implements ProductCatalog, StockLedger {

    private final Map<String, Product> products = new TreeMap<>();
    private final Map<String, Map<String, StockAdjustment>> ledger = new HashMap<>();

    /** Puts a product with {@code available} units, at version 1, without a per-order limit. */
    public synchronized Product add(String sku, String name, Money price, long available) {
        Product product = new Product(sku, name, price, available, 0, 0, 1, 0, null);
        products.put(sku, product);
        return product;
    }

    /** Puts (or replaces) a product exactly as given. */
    public synchronized void put(Product product) {
        products.put(product.sku(), product);
    }

    /** The stored product. */
    public synchronized Product product(String sku) {
        Product product = products.get(sku);
        if (product == null) {
            throw new IllegalArgumentException("no product " + sku + " in the fake catalog");
        }
        return product;
    }

    /** {available, reserved, sold} of a SKU. */
    public synchronized long[] stock(String sku) {
        Product product = product(sku);
        return new long[] {product.available(), product.reserved(), product.sold()};
    }

    @Override
    public synchronized Map<String, Product> findAll(Collection<String> skus) {
        Map<String, Product> found = new LinkedHashMap<>();
        skus.forEach(sku -> {
            if (products.containsKey(sku)) {
                found.put(sku, products.get(sku));
            }
        });
        return found;
    }

    @Override
    public synchronized Optional<Product> find(String sku) {
        return Optional.ofNullable(products.get(sku));
    }

    @Override
    public synchronized ProductPage list(String cursor, int limit) {
        List<Product> after = products.values().stream()
                .filter(product -> cursor == null || product.sku().compareTo(cursor) > 0).toList();
        List<Product> page = after.stream().limit(limit).toList();
        return new ProductPage(page, after.size() > limit ? page.getLast().sku() : null);
    }

    @Override
    public synchronized Product create(ProductUpdate update) {
        if (products.containsKey(update.sku())) {
            throw new InvalidRequestException(Problem.PRECONDITION_FAILED, "If-None-Match", "product " + update.sku() + " exists");
        }
        Product created = new Product(update.sku(), update.name(), update.price(), 0, 0, 0, 1, update.maxPerOrder(),
                update.taxCategory());
        products.put(created.sku(), created);
        return created;
    }

    @Override
    public synchronized Product update(ProductUpdate update, long expectedVersion) {
        Product stored = products.get(update.sku());
        if (stored == null) {
            throw new InvalidRequestException(Problem.PRODUCT_NOT_FOUND, "sku", "no product " + update.sku());
        }
        if (stored.version() != expectedVersion) {
            throw new InvalidRequestException(Problem.PRECONDITION_FAILED, "If-Match",
                    "product " + update.sku() + " is at version " + stored.version());
        }
        Product updated = new Product(stored.sku(), update.name(), update.price(), stored.available(), stored.reserved(),
                stored.sold(), stored.version() + 1, update.maxPerOrder(), update.taxCategory());
        products.put(updated.sku(), updated);
        return updated;
    }

    @Override
    public synchronized Recorded record(StockAdjustment adjustment) {
        Map<String, StockAdjustment> entries = ledger.computeIfAbsent(adjustment.sku(), sku -> new LinkedHashMap<>());
        StockAdjustment earlier = entries.get(adjustment.idempotencyKey());
        if (earlier != null) {
            return new Recorded(earlier, true);
        }
        Product product = products.get(adjustment.sku());
        if (product == null) {
            throw new InvalidRequestException(Problem.PRODUCT_NOT_FOUND, "sku", "no product " + adjustment.sku());
        }
        if (product.available() + adjustment.delta() < 0) {
            throw new InvalidRequestException(Problem.INSUFFICIENT_STOCK, "/delta", "only " + product.available()
                    + " units of " + adjustment.sku() + " are available");
        }
        products.put(product.sku(), counters(product, product.available() + adjustment.delta(), product.reserved(),
                product.sold()));
        entries.put(adjustment.idempotencyKey(), adjustment);
        return new Recorded(adjustment, false);
    }

    @Override
    public synchronized Optional<StockAdjustment> find(String sku, String idempotencyKey) {
        return Optional.ofNullable(ledger.getOrDefault(sku, Map.of()).get(idempotencyKey));
    }

    @Override
    public synchronized List<StockAdjustment> entries(String sku) {
        List<StockAdjustment> entries = new ArrayList<>(ledger.getOrDefault(sku, Map.of()).values());
        entries.sort(Comparator.comparing(StockAdjustment::at));
        return entries;
    }

    /**
     * Applies the movements all or nothing, as the order store's transaction does.
     *
     * @throws InsufficientStockException naming every SKU whose condition failed (or that does not exist); nothing moved
     */
    synchronized void move(List<StockMovement> movements) {
        Map<String, Product> next = new HashMap<>();
        List<String> failed = new ArrayList<>();
        for (StockMovement movement : movements) {
            Product product = next.containsKey(movement.sku()) ? next.get(movement.sku()) : products.get(movement.sku());
            if (product == null) {
                failed.add(movement.sku());
                continue;
            }
            long q = movement.quantity();
            long available = product.available();
            long reserved = product.reserved();
            long sold = product.sold();
            boolean allowed = switch (movement.kind()) {
                case RESERVE -> available >= q;
                case RELEASE, COMMIT -> reserved >= q;
                case RESTOCK -> sold >= q;
            };
            if (!allowed) {
                failed.add(movement.sku());
                continue;
            }
            next.put(movement.sku(), switch (movement.kind()) {
                case RESERVE -> counters(product, available - q, reserved + q, sold);
                case RELEASE -> counters(product, available + q, reserved - q, sold);
                case COMMIT -> counters(product, available, reserved - q, sold + q);
                case RESTOCK -> counters(product, available + q, reserved, sold - q);
            });
        }
        if (!failed.isEmpty()) {
            throw new InsufficientStockException(failed);
        }
        products.putAll(next);
    }

    /**
     * Test set-up: moves {@code reserved} and {@code sold} units of a SKU (negative: back) as if earlier orders had
     * taken them, creating the product (price from {@code price}, nothing available) if it is not there yet.
     */
    synchronized void hold(String sku, String name, Money price, long reserved, long sold) {
        Product product = products.computeIfAbsent(sku, s -> new Product(s, name, price, 0, 0, 0, 1, 0, null));
        if (product.reserved() + reserved < 0 || product.sold() + sold < 0) {
            throw new IllegalStateException("the fake's stock of " + sku + " would go below zero: an order seeded "
                    + "in a state whose stock was never taken");
        }
        products.put(sku, counters(product, product.available(), product.reserved() + reserved, product.sold() + sold));
    }

    private static Product counters(Product product, long available, long reserved, long sold) {
        return new Product(product.sku(), product.name(), product.price(), available, reserved, sold, product.version(),
                product.maxPerOrder(), product.taxCategory());
    }
}
