package dev.cartwheel.local.provider;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The local Stripe is registered as README's deployment steps tell a shop to register its webhook endpoint. */
class LocalStripeTest {

    private static final Path README = Path.of(System.getProperty("cartwheel.root", "../.."), "README.md");

    @Test
    void theWebhookEndpointIsRegisteredForExactlyTheEventsReadmeTellsAShopToEnable() throws IOException {
        String readme = Files.readString(README);
        // the list of step 2 ("... with the events `a`, `b` ... and put its signing secret ..."), not its notes
        String step = readme.substring(readme.indexOf("with the events", readme.indexOf("2. In Stripe's dashboard")),
                readme.indexOf("and put its signing secret"));
        List<String> enabled = Pattern.compile("`([a-z_]+\\.[a-z_]+)`").matcher(step).results().map(m -> m.group(1)).toList();

        assertThat(enabled).hasSize(5).doesNotContain("payment_intent.succeeded");
        assertThat(LocalStripe.WEBHOOK_EVENTS).containsExactlyInAnyOrderElementsOf(enabled);
    }
}
