package dev.cartwheel.emulators.ses;

import static dev.cartwheel.emulators.SharedEmulators.SES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.sesv2.model.AlreadyExistsException;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.IdentityType;
import software.amazon.awssdk.services.sesv2.model.MessageRejectedException;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

import dev.cartwheel.emulators.SharedEmulators;

/** The SES capture server with the real SesV2Client. */
class SesCaptureServerIT {

    private final SesCaptureServer server = SharedEmulators.EMULATORS.ses();

    private static SendEmailRequest email(String from, String to, String subject) {
        return SendEmailRequest.builder()
                .fromEmailAddress(from)
                .destination(d -> d.toAddresses(to))
                .content(c -> c.simple(m -> m.subject(s -> s.data(subject).charset("UTF-8"))
                        .body(b -> b.text(t -> t.data("plain body")).html(h -> h.data("<p>html body</p>")))))
                .build();
    }

    @Test
    void identitiesCanBeCreatedAndReadAndAreUnique() {
        SES.createEmailIdentity(r -> r.emailIdentity("identity-it@ses.example"));
        var identity = SES.getEmailIdentity(r -> r.emailIdentity("identity-it@ses.example"));
        assertThat(identity.identityType()).isEqualTo(IdentityType.EMAIL_ADDRESS);
        assertThat(identity.verifiedForSendingStatus()).isTrue();
        assertThatThrownBy(() -> SES.createEmailIdentity(r -> r.emailIdentity("identity-it@ses.example")))
                .isInstanceOf(AlreadyExistsException.class);
        assertThatThrownBy(() -> SES.getEmailIdentity(r -> r.emailIdentity("nobody@ses.example")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> SES.deleteEmailIdentity(r -> r.emailIdentity("identity-it@ses.example")))
                .as("an operation Cartwheel does not use").isInstanceOf(SesV2Exception.class);
        assertThat(SES.getEmailIdentity(r -> r.emailIdentity("identity-it@ses.example")).verifiedForSendingStatus()).isTrue();
    }

    @Test
    void capturesMailFromVerifiedSenders() throws Exception {
        SES.createEmailIdentity(r -> r.emailIdentity("shop.example"));
        String messageId = SES.sendEmail(email("Cartwheel <orders@shop.example>", "buyer@customer.example",
                "Your order")).messageId();
        assertThat(messageId).isNotBlank();

        CapturedEmail captured = server.await(m -> m.messageId().equals(messageId), Duration.ofSeconds(5)).orElseThrow();
        assertThat(captured.from()).isEqualTo("Cartwheel <orders@shop.example>");
        assertThat(captured.to()).containsExactly("buyer@customer.example");
        assertThat(captured.subject()).isEqualTo("Your order");
        assertThat(captured.text()).isEqualTo("plain body");
        assertThat(captured.html()).isEqualTo("<p>html body</p>");
        assertThat(server.messagesTo("buyer@customer.example")).extracting(CapturedEmail::messageId).contains(messageId);

        HttpResponse<String> json = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/_captured")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.body()).contains(messageId).contains("\"subject\":\"Your order\"");
    }

    @Test
    void rejectsUnverifiedSendersLikeTheSandbox() {
        assertThatThrownBy(() -> SES.sendEmail(email("someone@unverified.example", "buyer@customer.example", "Hi")))
                .isInstanceOf(MessageRejectedException.class)
                .hasMessageContaining("not verified");
    }

    @Test
    void rejectsHeaderInjection() {
        SES.createEmailIdentity(r -> r.emailIdentity("inject@ses.example"));
        assertThatThrownBy(() -> SES.sendEmail(email("inject@ses.example", "buyer@customer.example",
                "Hi\r\nBcc: victim@evil.example")))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> SES.sendEmail(email("inject@ses.example", "buyer@customer.example\nBcc: x@y", "Hi")))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> SES.sendEmail(email("inject@ses.example", "buyer@customer.example", "nul\0")))
                .isInstanceOf(BadRequestException.class);
    }
}
