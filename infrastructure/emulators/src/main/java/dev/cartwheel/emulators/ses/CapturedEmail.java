package dev.cartwheel.emulators.ses;

import java.time.Instant;
import java.util.List;

/**
 * An e-mail the SES capture server accepted.
 *
 * @param from the FromEmailAddress as sent (may be {@code "Name <address>"})
 * @param text the text body, or {@code null}
 * @param html the HTML body, or {@code null}
 */
public record CapturedEmail(String messageId, String from, List<String> to, List<String> cc, List<String> bcc,
                            List<String> replyTo, String subject, String text, String html, Instant timestamp) {

    public CapturedEmail {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        bcc = List.copyOf(bcc);
        replyTo = List.copyOf(replyTo);
    }

    /** Every recipient: To, Cc and Bcc. */
    public List<String> recipients() {
        return java.util.stream.Stream.of(to, cc, bcc).flatMap(List::stream).toList();
    }
}
