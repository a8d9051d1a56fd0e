package dev.cartwheel.core.tax;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * A tax rate as an exact integer: parts per million of the net amount ({@code 19%} is {@code 190000}, {@code 8.875%} is
 * {@code 88750}). In the API a rate is a decimal string of percent with at most four decimals ({@code "19"},
 * {@code "7.7"}, {@code "8.875"}): never a floating-point number.
 */
public record TaxRate(long partsPerMillion) {

    public static final long ONE = 1_000_000L;
    public static final TaxRate ZERO = new TaxRate(0);
    private static final Pattern PERCENT = Pattern.compile("^(100(\\.0{1,4})?|\\d{1,2}(\\.\\d{1,4})?)$");

    public TaxRate {
        if (partsPerMillion < 0 || partsPerMillion > ONE) {
            throw new IllegalArgumentException("a tax rate is from 0 to 100 percent");
        }
    }

    /**
     * @param percent e.g. {@code "19"} or {@code "8.875"}
     * @throws IllegalArgumentException if it is not a percentage from 0 to 100 with at most four decimals
     */
    public static TaxRate ofPercent(String percent) {
        if (percent == null || !PERCENT.matcher(percent).matches()) {
            throw new IllegalArgumentException("a rate is a percentage from \"0\" to \"100\" with at most four decimals");
        }
        return new TaxRate(new BigDecimal(percent).movePointRight(4).longValueExact());
    }

    /** The percentage as the API writes it, without trailing zeros: {@code "19"}, {@code "7.7"}. */
    public String percent() {
        BigDecimal value = BigDecimal.valueOf(partsPerMillion, 4).stripTrailingZeros();
        return value.scale() < 0 ? value.setScale(0).toPlainString() : value.toPlainString();
    }

    @Override
    public String toString() {
        return percent() + "%";
    }
}
