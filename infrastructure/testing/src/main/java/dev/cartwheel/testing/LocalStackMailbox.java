package dev.cartwheel.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cartwheel.emulators.ses.CapturedEmail;

/** LocalStack's SES keeps sent mail at {@code GET /_aws/ses}; cleared with {@code DELETE /_aws/ses}. */
final class LocalStackMailbox implements Mailbox {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI uri;
    private final HttpClient http = HttpClient.newHttpClient();

    LocalStackMailbox(URI endpoint) {
        this.uri = endpoint.resolve("/_aws/ses");
    }

    @Override
    public List<CapturedEmail> messages() {
        JsonNode root;
        try {
            root = JSON.readTree(call("GET"));
        } catch (IOException e) {
            throw new IllegalStateException("LocalStack mailbox " + uri + " gave no JSON: " + e.getMessage(), e);
        }
        List<CapturedEmail> emails = new ArrayList<>();
        for (JsonNode m : root.path("messages")) {
            List<String> to = new ArrayList<>();
            m.path("Destination").path("ToAddresses").forEach(a -> to.add(a.asText()));
            List<String> cc = new ArrayList<>();
            m.path("Destination").path("CcAddresses").forEach(a -> cc.add(a.asText()));
            List<String> bcc = new ArrayList<>();
            m.path("Destination").path("BccAddresses").forEach(a -> bcc.add(a.asText()));
            String timestamp = m.path("Timestamp").asText(null);
            emails.add(new CapturedEmail(m.path("Id").asText(), m.path("Source").asText(), to, cc, bcc, List.of(),
                    m.path("Subject").asText(null), m.path("Body").path("text_part").asText(null),
                    m.path("Body").path("html_part").asText(null),
                    timestamp == null ? Instant.EPOCH : parse(timestamp)));
        }
        return emails;
    }

    private static Instant parse(String timestamp) {
        try {
            return Instant.parse(timestamp);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    @Override
    public void clear() {
        call("DELETE");
    }

    private String call(String method) {
        try {
            return http.send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException("LocalStack mailbox " + uri + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
    }
}
