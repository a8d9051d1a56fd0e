package dev.cartwheel.core.email;

/** Port: sends an e-mail from the configured sender and returns the provider's message id. */
public interface Mailer {

    String send(EmailMessage message);
}
