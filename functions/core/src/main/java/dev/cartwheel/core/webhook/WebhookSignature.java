package dev.cartwheel.core.webhook;

import dev.cartwheel.core.exceptions.WebhookRejectedException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The provider's webhook signature, Stripe's scheme: the header {@code t=<unix seconds>,v1=<hex>} where {@code v1} is
 * HMAC-SHA256 over {@code "<t>.<body>"} with the shared secret. Several {@code v1} values may be present (a secret
 * being rotated); one must match. The timestamp must be within the tolerance of now, so a captured request cannot be
 * replayed later. Comparison is constant-time.
 */
public final class WebhookSignature {

    /** Timestamps further than this from now are refused. */
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    /** Longer headers are refused unread (a secret roll has two signatures; a header of a few hundred bytes). */
    public static final int MAX_HEADER_LENGTH = 2048;

    private WebhookSignature() {
    }

    /**
     * @throws WebhookRejectedException if the header is missing or malformed, no signature matches, or the timestamp
     *                                  is outside the tolerance
     */
    public static void verify(String header, String body, byte[] secret, Instant now) {
        if (header == null || header.isBlank()) {
            throw new WebhookRejectedException("no signature header");
        }
        if (header.length() > MAX_HEADER_LENGTH) {
            throw new WebhookRejectedException("signature header too long");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new WebhookRejectedException("malformed signature header");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new WebhookRejectedException("malformed signature timestamp");
                }
            } else if (key.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new WebhookRejectedException("signature header needs t= and v1=");
        }
        // compared as numbers: a timestamp beyond what an Instant holds (t=99999999999999999) is just too far off
        long nowSeconds = now.getEpochSecond();
        if (timestamp < nowSeconds - TOLERANCE.toSeconds() || timestamp > nowSeconds + TOLERANCE.toSeconds()) {
            throw new WebhookRejectedException("signature timestamp outside the " + TOLERANCE.toMinutes() + "-minute tolerance");
        }
        byte[] expected = hmac(timestamp + "." + body, secret);
        for (String signature : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(signature);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (MessageDigest.isEqual(expected, given)) {
                return;
            }
        }
        throw new WebhookRejectedException("no signature matches");
    }

    /** The header a provider sends with {@code body} at {@code at} (for tests). */
    public static String sign(String body, byte[] secret, Instant at) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(t + "." + body, secret));
    }

    private static byte[] hmac(String payload, byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
