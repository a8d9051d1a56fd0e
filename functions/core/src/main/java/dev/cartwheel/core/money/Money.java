package dev.cartwheel.core.money;

import java.util.Currency;
import java.util.Objects;

/**
 * An amount of money in integer minor units (cents for USD) of one ISO 4217 currency.
 * Never floating point.
 */
public record Money(long amount, String currency) {

    public Money {
        Objects.requireNonNull(currency, "currency");
        try {
            Currency.getInstance(currency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an ISO 4217 currency: " + currency, e);
        }
        if (amount < 0) {
            throw new IllegalArgumentException("amount must not be negative: " + amount);
        }
    }

    public static Money zero(String currency) {
        return new Money(0, currency);
    }

    public Money plus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.addExact(amount, other.amount), currency);
    }

    public Money minus(Money other) {
        requireSameCurrency(other);
        return new Money(Math.subtractExact(amount, other.amount), currency);
    }

    public Money times(long quantity) {
        return new Money(Math.multiplyExact(amount, quantity), currency);
    }

    public boolean isGreaterThan(Money other) {
        requireSameCurrency(other);
        return amount > other.amount;
    }

    private void requireSameCurrency(Money other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("currency mismatch: " + currency + " vs " + other.currency);
        }
    }

    /** The amount as a decimal string in major units, e.g. {@code 12.50}; for display only. */
    public String toDisplayString() {
        int digits = Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        return java.math.BigDecimal.valueOf(amount, digits).toPlainString() + " " + currency;
    }
}
