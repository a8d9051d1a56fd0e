package dev.cartwheel.core.pricing;

/** Whether the catalog's and the shipping methods' prices include tax: the template parameter {@code PricesIncludeTax}. */
public enum PricingMode {
    /** Prices are net: tax is added on top. */
    NET,
    /** Prices are gross: the tax they include is worked out of them. */
    GROSS;

    /** @param setting {@code true} or {@code false}, as the template parameter */
    public static PricingMode fromSetting(String setting) {
        return switch (setting) {
            case "true" -> GROSS;
            case "false" -> NET;
            default -> throw new IllegalArgumentException("PricesIncludeTax is true or false, not " + setting);
        };
    }

    public boolean includesTax() {
        return this == GROSS;
    }
}
