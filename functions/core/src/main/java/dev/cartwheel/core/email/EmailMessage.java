package dev.cartwheel.core.email;

import java.util.Objects;

/** A rendered e-mail ready for the mailer. */
public record EmailMessage(String to, String subject, String text, String html) {

    public EmailMessage {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(html, "html");
        if (hasControlCharacter(to) || hasControlCharacter(subject)) {
            throw new IllegalArgumentException("e-mail headers must not contain CR, LF or NUL");
        }
    }

    private static boolean hasControlCharacter(String header) {
        return header.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0);
    }
}
