package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The soak's card-number detector finds card numbers however they are written, and nothing in ids and timestamps. */
class LogPatternsTest {

    @Test
    void luhnValidRuns_areFound_inTheFormsCardsAreWritten() {
        assertThat(SoakIT.luhnValidRun("{\"message\":\"card 4242424242424242\"}")).isTrue();
        assertThat(SoakIT.luhnValidRun("pan=4242 4242 4242 4242;")).isTrue();
        assertThat(SoakIT.luhnValidRun("pan 5555-5555-5555-4444")).isTrue();
        assertThat(SoakIT.luhnValidRun("amex 3782 822463 10005")).isTrue();
        assertThat(SoakIT.luhnValidRun("x 12344242424242424242 y")).as("embedded in a longer run").isTrue();
    }

    @Test
    void idsTimestampsAndNonLuhnNumbers_areNotCards() {
        assertThat(SoakIT.luhnValidRun("{\"requestId\":\"83844376-5564-4759-1234-424242424242\"}")).isFalse();
        assertThat(SoakIT.luhnValidRun("ord_12345678-1234-1234-1234-123456789012 2026-11-25T09:22:51.874525688Z")).isFalse();
        assertThat(SoakIT.luhnValidRun("4242424242424241")).as("fails Luhn").isFalse();
        assertThat(SoakIT.luhnValidRun("424242424242")).as("too short").isFalse();
    }
}
