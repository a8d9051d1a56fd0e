package dev.cartwheel.core.money;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void arithmetic_staysInMinorUnits() {
        assertThat(new Money(199, "USD").times(3).plus(new Money(1, "USD"))).isEqualTo(new Money(598, "USD"));
        assertThat(new Money(1050, "EUR").toDisplayString()).isEqualTo("10.50 EUR");
        assertThat(new Money(500, "JPY").toDisplayString()).isEqualTo("500 JPY");
    }

    @Test
    void mixingCurrencies_isRefused() {
        assertThatThrownBy(() -> new Money(1, "USD").plus(new Money(1, "EUR")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("currency mismatch");
    }

    @Test
    void invalidValues_areRefused() {
        assertThatThrownBy(() -> new Money(-1, "USD")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Money(1, "XYZW")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Money(Long.MAX_VALUE, "USD").times(2)).isInstanceOf(ArithmeticException.class);
    }
}
