package dev.cartwheel.core.testing;

/**
 * One in-memory stand-in for every port of the core (no AWS here), for the unit tests of the services: the catalog
 * with its stock and ledger, the orders (whose writes move that same stock), the payment provider, the step queues,
 * the e-mail claims and mailbox, the webhook inbox, the shop's rules and the event bus. Each keeps the semantics of
 * the real adapter that the services rely on (conditional writes, idempotency keys, stock never below zero), so a
 * service that breaks one of them fails its test. A fresh instance per test.
 */
public final class InMemoryPorts {

    public final InMemoryCatalog catalog = new InMemoryCatalog();
    public final InMemoryOrderStore orders = new InMemoryOrderStore(catalog);
    public final InMemoryPaymentGateway gateway = new InMemoryPaymentGateway();
    public final RecordingPublisher publisher = new RecordingPublisher();
    public final InMemoryEmailClaims claims = new InMemoryEmailClaims();
    public final RecordingMailer mailer = new RecordingMailer();
    public final InMemoryWebhookInbox inbox = new InMemoryWebhookInbox();
    public final InMemoryShopRules rules = new InMemoryShopRules();
    public final RecordingEventBus bus = new RecordingEventBus();
}
