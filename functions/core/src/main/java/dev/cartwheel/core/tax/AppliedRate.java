package dev.cartwheel.core.tax;

import java.util.Objects;

/** A rate as applied to a line or the shipping: the category it was chosen by ({@code standard} or e.g. {@code books}). */
public record AppliedRate(String category, TaxRate rate) {

    public static final String STANDARD = "standard";

    public AppliedRate {
        Objects.requireNonNull(category, "category");
        Objects.requireNonNull(rate, "rate");
    }
}
