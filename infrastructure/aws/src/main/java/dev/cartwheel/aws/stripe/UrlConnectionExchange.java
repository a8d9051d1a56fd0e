package dev.cartwheel.aws.stripe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request and its answer on the JDK's {@link HttpURLConnection}, the same client the functions' AWS SDK
 * clients use (URL-connection HTTP client): already loaded in every function JVM, synchronous on the caller's thread,
 * keep-alive connections reused once an answer is read to its end. Preferred to {@code java.net.http.HttpClient},
 * whose classes and selector thread cost the payment function about 130 ms of cold start and whose hand-offs made
 * most of its warm own time (docs/performance.md). Like every client of it, the connection may send a POST a second
 * time when a kept-alive connection turns out closed; every POST here carries an idempotency key (Stripe) or only
 * reads (Secrets Manager), so that is safe.
 */
final class UrlConnectionExchange {

    /** An answer: status, body (the error body for 4xx/5xx) and the two headers Stripe's client reads. */
    record Answer(int status, String body, Map<String, List<String>> headers) {

        String header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return h.getValue().getFirst();
                }
            }
            return null;
        }
    }

    private UrlConnectionExchange() {
    }

    /**
     * Sends {@code method uri} with these headers and body (null: none), waiting at most {@code connectTimeout} to
     * connect and {@code readTimeout} for each read of the answer.
     *
     * @throws IOException when no answer came (refused, reset, timed out): the request may or may not have arrived
     */
    static Answer send(URI uri, String method, Map<String, String> headers, byte[] body, Duration connectTimeout,
                       Duration readTimeout) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
        connection.setConnectTimeout((int) connectTimeout.toMillis());
        connection.setReadTimeout((int) readTimeout.toMillis());
        connection.setInstanceFollowRedirects(false);
        connection.setUseCaches(false);
        connection.setRequestMethod(method);
        headers.forEach(connection::setRequestProperty);
        if (body != null) {
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = connection.getOutputStream()) {
                out.write(body);
            }
        }
        int status = connection.getResponseCode();
        String text;
        try (InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
            text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        return new Answer(status, text, connection.getHeaderFields());
    }
}
