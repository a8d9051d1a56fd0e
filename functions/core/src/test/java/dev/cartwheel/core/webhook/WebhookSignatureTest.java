package dev.cartwheel.core.webhook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.WebhookRejectedException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Stripe's webhook signature scheme: an HMAC over the timestamp and body, within five minutes of now. */
class WebhookSignatureTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final byte[] SECRET = "whsec_test_secret".getBytes(StandardCharsets.UTF_8);
    private static final byte[] OLD_SECRET = "whsec_old_secret".getBytes(StandardCharsets.UTF_8);
    private static final String BODY = "{\"id\":\"evt_1\",\"type\":\"payment_intent.succeeded\"}";

    @Test
    void aSignatureMadeWithTheSecret_verifies() {
        String header = WebhookSignature.sign(BODY, SECRET, NOW);

        assertThatCode(() -> WebhookSignature.verify(header, BODY, SECRET, NOW)).doesNotThrowAnyException();
    }

    @Test
    void anotherBody_orAnotherSecret_doesNotVerify() {
        String header = WebhookSignature.sign(BODY, SECRET, NOW);

        assertRejected(header, BODY.replace("evt_1", "evt_2"), SECRET, NOW, "no signature matches");
        assertRejected(header, BODY + " ", SECRET, NOW, "no signature matches");
        assertRejected(header, BODY, OLD_SECRET, NOW, "no signature matches");
    }

    @Test
    void aTimestampWithinFiveMinutes_verifies_andOneFurtherOff_isRefusedAsAReplay() {
        Duration tolerance = WebhookSignature.TOLERANCE;

        assertThatCode(() -> WebhookSignature.verify(WebhookSignature.sign(BODY, SECRET, NOW.minus(tolerance)), BODY, SECRET, NOW))
                .doesNotThrowAnyException();
        assertThatCode(() -> WebhookSignature.verify(WebhookSignature.sign(BODY, SECRET, NOW.plus(tolerance)), BODY, SECRET, NOW))
                .doesNotThrowAnyException();
        assertRejected(WebhookSignature.sign(BODY, SECRET, NOW.minus(tolerance).minusSeconds(1)), BODY, SECRET, NOW, "tolerance");
        assertRejected(WebhookSignature.sign(BODY, SECRET, NOW.plus(tolerance).plusSeconds(1)), BODY, SECRET, NOW, "tolerance");
        assertRejected("t=99999999999999999,v1=00", BODY, SECRET, NOW, "tolerance");
    }

    @Test
    void duringASecretRoll_oneMatchingSignatureOfSeveral_verifies() {
        String current = WebhookSignature.sign(BODY, SECRET, NOW);
        String old = WebhookSignature.sign(BODY, OLD_SECRET, NOW);
        String both = current + "," + old.substring(old.indexOf("v1="));
        String garbledFirst = "t=" + NOW.getEpochSecond() + ",v1=not-hex," + current.substring(current.indexOf("v1="));

        assertThatCode(() -> WebhookSignature.verify(both, BODY, SECRET, NOW)).doesNotThrowAnyException();
        assertThatCode(() -> WebhookSignature.verify(both, BODY, OLD_SECRET, NOW)).doesNotThrowAnyException();
        assertThatCode(() -> WebhookSignature.verify(garbledFirst, BODY, SECRET, NOW)).doesNotThrowAnyException();
    }

    @Test
    void missingOrMalformedHeaders_areRefused() {
        String v1 = WebhookSignature.sign(BODY, SECRET, NOW).split(",")[1];
        long t = NOW.getEpochSecond();

        assertRejected(null, BODY, SECRET, NOW, "no signature header");
        assertRejected("  ", BODY, SECRET, NOW, "no signature header");
        assertRejected(v1, BODY, SECRET, NOW, "needs t= and v1=");
        assertRejected("t=" + t, BODY, SECRET, NOW, "needs t= and v1=");
        assertRejected("t=soon," + v1, BODY, SECRET, NOW, "malformed signature timestamp");
        assertRejected("garbage", BODY, SECRET, NOW, "malformed signature header");
        assertRejected("t=" + t + ",v1=zz", BODY, SECRET, NOW, "no signature matches");
        assertRejected("t=" + t + "," + "v1=00,".repeat(400) + v1, BODY, SECRET, NOW, "too long");
    }

    private static void assertRejected(String header, String body, byte[] secret, Instant now, String why) {
        assertThatThrownBy(() -> WebhookSignature.verify(header, body, secret, now))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining(why);
    }
}
