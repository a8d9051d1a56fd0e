package dev.cartwheel.core.catalog;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/** Port: the catalog of products with their prices and stock. */
public interface ProductCatalog {

    /** The products with these SKUs, keyed by SKU; unknown SKUs are absent from the map. */
    Map<String, Product> findAll(Collection<String> skus);

    Optional<Product> find(String sku);

    /** One page of the catalog, in SKU order. {@code cursor} is {@code null} for the first page. */
    ProductPage list(String cursor, int limit);

    /**
     * Creates the product at version 1 with no stock.
     *
     * @throws dev.cartwheel.core.exceptions.InvalidRequestException 412 {@code precondition-failed} if it exists
     */
    Product create(ProductUpdate update);

    /**
     * Updates name, price and per-order limit if the product is still at {@code expectedVersion}, and moves it to
     * the next version. Its stock counters are left as they are.
     *
     * @throws dev.cartwheel.core.exceptions.InvalidRequestException 412 {@code precondition-failed} if the product
     *                                                               is at another version, 404 if there is none
     */
    Product update(ProductUpdate update, long expectedVersion);
}
