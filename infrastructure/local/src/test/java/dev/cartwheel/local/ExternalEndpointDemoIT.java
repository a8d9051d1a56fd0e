package dev.cartwheel.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cartwheel.emulators.Emulators;
import dev.cartwheel.local.fixture.SingleEndpointRouter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code demo --aws-endpoint URL} against an independent AWS-compatible endpoint: emulators this test starts, behind
 * one port that routes by the SigV4 scope and offers no mailbox or capture route (like an endpoint whose SES keeps
 * what it accepts to itself). The demo must verify the e-mails by what it can observe there, Cartwheel's own e-mail
 * records, and pass; and what it counted must be what the endpoint's SES really accepted.
 */
class ExternalEndpointDemoIT {

    private static final Pattern RECORDED = Pattern.compile("e-mail sent \\(message id ([^)]+)\\): \"(\\w+) e-mail for order (ord_[A-Za-z0-9-]+)");

    @Test
    void demoVerifiesEveryEmailByCartwheelsRecordsWhenTheEndpointHasNoMailbox() throws Exception {
        try (Emulators emulators = Emulators.startEmbedded();
             SingleEndpointRouter endpoint = SingleEndpointRouter.start(emulators.endpoints())) {
            Path out = Path.of("target/demo-external-output.txt").toAbsolutePath();
            Process p = DemoIT.run(out, "demo", "--port", "0", "--timeout", "240", "--aws-endpoint", endpoint.uri().toString());
            boolean finished = p.waitFor(300, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String printed = Files.readString(out);
            System.out.println(printed);
            assertThat(finished).as("demo finished within 300 s").isTrue();
            assertThat(p.exitValue()).as(printed).isZero();
            assertThat(printed).contains("Demo PASSED").doesNotContain("expected exactly");
            assertThat(endpoint.routed()).as("requests the endpoint served").isPositive();

            // every e-mail the demo counted is one the endpoint's SES accepted, under the message id it gave
            Map<String, String> accepted = new java.util.HashMap<>();
            emulators.ses().messages().forEach(m -> accepted.put(m.messageId(), m.subject() + "\n" + m.text() + "\n" + m.html()));
            Matcher m = RECORDED.matcher(printed);
            int counted = 0;
            while (m.find()) {
                counted++;
                assertThat(accepted).as("SES accepted message " + m.group(1)).containsKey(m.group(1));
                assertThat(accepted.get(m.group(1))).as("the accepted message is about order " + m.group(3)).contains(m.group(3));
            }
            assertThat(counted).as("e-mails the demo verified by Cartwheel's records").isPositive().isEqualTo(accepted.size());
        }
    }

    @Test
    void recordsOfSentEmailsReadAsMessagesAboutTheirOrder() {
        var item = Map.of("pk", AttributeValue.fromS("email#ord_123#REFUND#ref_9"), "state", AttributeValue.fromS("SENT"),
                "messageId", AttributeValue.fromS("m-1"), "sentAt", AttributeValue.fromN("1700000000000"));
        var message = ExternalMailbox.fromRecord(item);
        assertThat(message.path("subject").asText()).isEqualTo("REFUND e-mail for order ord_123 (ref_9), as Cartwheel recorded it");
        assertThat(message.path("messageId").asText()).isEqualTo("m-1");
        assertThat(message.path("timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(DemoRun.mentions(message, "ord_123")).isTrue();
    }

    @Test
    void localStacksMailboxReadsAsMessages() throws Exception {
        var mailbox = new ObjectMapper().readTree("""
                {"messages":[{"Id":"abc","Region":"us-east-1","Source":"shop@example.com",
                  "Destination":{"ToAddresses":["alice@example.com"]},"Subject":"Your order ord_1 is confirmed",
                  "Body":{"text_part":"Thanks","html_part":"<p>Thanks</p>"},"Timestamp":"2026-12-07T10:00:00"}]}""");
        var messages = ExternalMailbox.fromLocalStack(mailbox.path("messages"));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).path("to").get(0).asText()).isEqualTo("alice@example.com");
        assertThat(messages.get(0).path("text").asText()).isEqualTo("Thanks");
        assertThat(messages.get(0).path("source").asText()).isEqualTo("localstack-mailbox");
        assertThat(DemoRun.mentions(messages.get(0), "ord_1")).isTrue();
    }
}
