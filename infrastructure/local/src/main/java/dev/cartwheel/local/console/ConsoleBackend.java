package dev.cartwheel.local.console;

import com.fasterxml.jackson.databind.JsonNode;

/** What the console shows, read live from the local cloud's services. */
public interface ConsoleBackend {

    /** The orders (newest first), each with its status history. */
    JsonNode orders();

    /** Every queue of the template with its depth; dead-letter queues with their messages. */
    JsonNode queues();

    /** Moves every message of a dead-letter queue back to its source queue; returns how many moved. */
    int redrive(String deadLetterQueueName);

    /** The e-mails sent through SES, newest first. */
    JsonNode mail();

    /** The events on the template's event buses (e.g. the order events), newest first. */
    JsonNode busEvents();

    /**
     * The customer of an order waiting for 3-D Secure completes ({@code succeed}) or fails it at Stripe (the
     * simulator), which then sends its webhook; returns the PaymentIntent, or throws IllegalStateException if no
     * PaymentIntent of the order waits for an authentication.
     */
    default JsonNode authenticate(String orderId, boolean succeed) {
        throw new IllegalStateException("no Stripe simulator");
    }

    /** The Stripe simulator's webhook delivery attempts, newest first (none by default). */
    default JsonNode webhooks() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }

    /**
     * The fulfilment queue: CONFIRMED orders oldest first, as the orders table's {@code fulfilmentQueue} index lists them, with
     * their lines, shipping method and destination country (the address stays in its table). None by default.
     */
    default JsonNode fulfilmentQueue() {
        return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
    }

    /** The functions with their execution environments and invocation counts. */
    JsonNode functions();

    /** The last HTTP API events built (payload format 2.0). */
    JsonNode httpEvents();

    /** OpenID configuration and JWKS of the local issuer. */
    JsonNode jwks();

    String issuer();
}
