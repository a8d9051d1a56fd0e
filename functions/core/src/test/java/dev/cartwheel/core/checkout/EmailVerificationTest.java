package dev.cartwheel.core.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An e-mail address the token itself says is unverified never receives order mail: 403 email-unverified. */
class EmailVerificationTest {

    @Test
    void anUnverifiedAddressIsRefused_aVerifiedOrUnstatedOneIsUsed() {
        assertThatThrownBy(() -> OrderRequestValidator.requireEmail(new Caller("a", "a@example.com", Set.of(), Set.of(), true)))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.problem()).isEqualTo(InvalidRequestException.Problem.EMAIL_UNVERIFIED);
                    assertThat(e.problem().status()).isEqualTo(403);
                });
        assertThat(OrderRequestValidator.requireEmail(new Caller("a", "a@example.com", Set.of(), Set.of(), false)))
                .isEqualTo("a@example.com");
        assertThat(OrderRequestValidator.requireEmail(new Caller("a", "a@example.com", Set.of()))).isEqualTo("a@example.com");
    }
}
