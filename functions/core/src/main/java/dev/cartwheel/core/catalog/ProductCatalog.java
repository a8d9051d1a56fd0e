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

    /** Creates the product or updates its name and price, and sets its available stock. */
    void upsert(ProductUpdate update);
}
