package dev.cartwheel.core.pricing;

/**
 * The one rounding rule of Cartwheel's tax arithmetic, in integer minor units, never floating point:
 *
 * <p><b>Tax is computed per line (unit price times quantity) and once on the shipping charge, each rounded to the minor
 * unit half up</b> (a half rounds away from zero; amounts are never negative). Net prices: {@code tax = round(net * rate)}.
 * Gross prices: {@code tax = round(gross * rate / (1 + rate))}, {@code net = gross - tax}. The per-rate breakdown and the
 * order's tax are sums of those rounded amounts, so the parts add up to the total exactly.
 */
public final class Rounding {

    private Rounding() {
    }

    /** {@code numerator / denominator} rounded half up; both non-negative, denominator positive. */
    public static long divideHalfUp(long numerator, long denominator) {
        if (numerator < 0 || denominator <= 0) {
            throw new IllegalArgumentException("divideHalfUp takes a non-negative numerator and a positive denominator");
        }
        long quotient = numerator / denominator;
        long remainder = numerator % denominator;
        // remainder >= denominator - remainder, written so it cannot overflow
        return remainder >= denominator - remainder ? quotient + 1 : quotient;
    }
}
