package dev.cartwheel.admin;

import dev.cartwheel.core.catalog.ProductUpdate;
import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.money.Money;
import java.util.regex.Pattern;

/** The bodies and headers of the catalog's admin routes. */
final class ProductBodies {

    private static final Pattern ETAG = Pattern.compile("^\"(\\d{1,18})\"$");

    private ProductBodies() {
    }

    /** The version an {@code If-Match} names; anything but one strong ETag of ours cannot match: 412. */
    static long version(String ifMatch) {
        var matcher = ETAG.matcher(ifMatch.strip());
        if (!matcher.matches()) {
            throw new InvalidRequestException(Problem.PRECONDITION_FAILED, "If-Match",
                    "If-Match must be the ETag GET /products/{sku} returned, e.g. \"3\"");
        }
        return Long.parseLong(matcher.group(1));
    }

    /** The body of {@code PUT /products/{sku}}: never the stock ({@code available} is refused); an optional tax category. */
    record ProductRequest(String name, PriceRequest price, Integer maxPerOrder, Long available, String taxCategory) {

        ProductUpdate toUpdate(String sku) {
            if (available != null) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/available",
                        "PUT /products/{sku} does not set the stock: POST /products/" + sku + "/stock-adjustments");
            }
            if (name == null || name.isBlank() || name.length() > 200 || name.chars().anyMatch(Character::isISOControl)) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/name", "name must be 1 to 200 printable characters");
            }
            if (price == null || price.amount() == null || price.amount() < 0 || price.amount() > 100_000_000L) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/price/amount",
                        "price.amount must be an integer number of minor units from 0 to 100000000");
            }
            Money money;
            try {
                money = new Money(price.amount(), price.currency() == null ? "" : price.currency());
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/price/currency", "price.currency must be an ISO 4217 code");
            }
            if (maxPerOrder != null && (maxPerOrder < 1 || maxPerOrder > OrderRequestValidator.MAX_QUANTITY)) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/maxPerOrder",
                        "maxPerOrder must be an integer from 1 to " + OrderRequestValidator.MAX_QUANTITY + " (omit it for no limit)");
            }
            if (taxCategory != null && !dev.cartwheel.core.pricing.ShopRulesService.TAX_CATEGORY.matcher(taxCategory).matches()) {
                throw new InvalidRequestException(Problem.INVALID_FIELD, "/taxCategory",
                        "taxCategory must match " + dev.cartwheel.core.pricing.ShopRulesService.TAX_CATEGORY.pattern());
            }
            return new ProductUpdate(sku, name, money, maxPerOrder == null ? 0 : maxPerOrder, taxCategory);
        }
    }

    /** A price in integer minor units of an ISO 4217 currency. */
    record PriceRequest(Long amount, String currency) {
    }

    /** The body of {@code POST /products/{sku}/stock-adjustments}. */
    record AdjustmentRequest(Long delta, String reason) {
    }
}
