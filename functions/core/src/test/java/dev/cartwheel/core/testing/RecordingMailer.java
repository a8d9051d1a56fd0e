package dev.cartwheel.core.testing;

import dev.cartwheel.core.email.EmailMessage;
import dev.cartwheel.core.email.Mailer;
import java.util.ArrayList;
import java.util.List;

/** A mailbox in memory: every e-mail accepted, in order; while {@link #fail} is set, every send fails as SES down would. */
public final class RecordingMailer implements Mailer {

    private final List<EmailMessage> sent = new ArrayList<>();
    private boolean failing;

    @Override
    public synchronized String send(EmailMessage message) {
        if (failing) {
            throw new IllegalStateException("the mail provider is unavailable");
        }
        sent.add(message);
        return "msg-" + sent.size();
    }

    /** Every e-mail accepted so far, in order. */
    public synchronized List<EmailMessage> sent() {
        return List.copyOf(sent);
    }

    /** Makes every send fail ({@code true}) or succeed again. */
    public synchronized void fail(boolean failing) {
        this.failing = failing;
    }
}
