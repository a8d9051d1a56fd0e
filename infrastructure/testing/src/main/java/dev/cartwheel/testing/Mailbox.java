package dev.cartwheel.testing;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.cartwheel.emulators.ses.CapturedEmail;

/** The e-mails the emulated SES accepted (instead of delivering them). */
public interface Mailbox {

    /** Every captured e-mail, oldest first. */
    List<CapturedEmail> messages();

    /** Forgets the captured e-mails. */
    void clear();

    /** The captured e-mails with {@code address} among their recipients. */
    default List<CapturedEmail> messagesTo(String address) {
        return messages().stream()
                .filter(m -> m.recipients().stream().anyMatch(r -> r.toLowerCase(java.util.Locale.ROOT)
                        .contains(address.toLowerCase(java.util.Locale.ROOT))))
                .toList();
    }

    /** Polls until an e-mail matches {@code condition}; empty when none did within the timeout. */
    default Optional<CapturedEmail> await(Predicate<CapturedEmail> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<CapturedEmail> found = messages().stream().filter(condition).findFirst();
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }
}
