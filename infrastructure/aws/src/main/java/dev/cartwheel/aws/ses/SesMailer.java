package dev.cartwheel.aws.ses;

import dev.cartwheel.core.email.EmailMessage;
import dev.cartwheel.core.email.Mailer;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;

/** Sends e-mails with SES v2 {@code SendEmail} from the configured, verified sender. */
public final class SesMailer implements Mailer {

    private final SesV2Client ses;
    private final String sender;

    public SesMailer(SesV2Client ses, String sender) {
        this.ses = ses;
        this.sender = sender;
    }

    @Override
    public String send(EmailMessage message) {
        return ses.sendEmail(b -> b.fromEmailAddress(sender)
                .destination(d -> d.toAddresses(message.to()))
                .content(c -> c.simple(m -> m
                        .subject(utf8(message.subject()))
                        .body(Body.builder().text(utf8(message.text())).html(utf8(message.html())).build()))))
                .messageId();
    }

    private static Content utf8(String data) {
        return Content.builder().data(data).charset(StandardCharsets.UTF_8.name()).build();
    }
}
