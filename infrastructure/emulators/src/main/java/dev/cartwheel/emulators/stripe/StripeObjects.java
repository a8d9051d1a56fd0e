package dev.cartwheel.emulators.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Stripe's objects as the simulator answers them: every field Stripe's published example object has (see
 * {@code StripeSimulatorContractIT}), with the values a test-mode card PaymentIntent has.
 */
final class StripeObjects {

    private static final ObjectMapper JSON = new ObjectMapper();

    private StripeObjects() {
    }

    static ObjectNode paymentIntent(String id, String clientSecret, long amount, String currency, String captureMethod,
                                    String paymentMethod, ObjectNode metadata, long created) {
        ObjectNode pi = JSON.createObjectNode();
        pi.put("id", id).put("object", "payment_intent").put("amount", amount).put("amount_capturable", 0);
        pi.putObject("amount_details").putObject("tip");
        pi.put("amount_received", 0).putNull("application").putNull("application_fee_amount");
        pi.putNull("automatic_payment_methods");
        pi.putNull("canceled_at").putNull("cancellation_reason").put("capture_method", captureMethod)
                .put("client_secret", clientSecret).put("confirmation_method", "automatic").put("created", created)
                .put("currency", currency).putNull("customer").putNull("description").putNull("last_payment_error")
                .putNull("latest_charge").put("livemode", false);
        pi.set("metadata", metadata);
        pi.putNull("next_action").putNull("on_behalf_of");
        if (paymentMethod == null) {
            pi.putNull("payment_method");
        } else {
            pi.put("payment_method", paymentMethod);
        }
        pi.putNull("payment_method_configuration_details");
        pi.putObject("payment_method_options").putObject("card").putNull("installments").putNull("mandate_options")
                .putNull("network").put("request_three_d_secure", "automatic");
        pi.putArray("payment_method_types").add("card");
        pi.putNull("processing").putNull("receipt_email").putNull("review").putNull("setup_future_usage")
                .putNull("shipping").putNull("statement_descriptor").putNull("statement_descriptor_suffix")
                .put("status", "requires_confirmation").putNull("transfer_data").putNull("transfer_group")
                .putNull("source").putNull("excluded_payment_method_types").putNull("customer_account")
                .putNull("managed_payments");
        return pi;
    }

    static ObjectNode charge(String id, ObjectNode intent, TestCard card, long created) {
        ObjectNode ch = JSON.createObjectNode();
        long amount = intent.path("amount").asLong();
        ch.put("id", id).put("object", "charge").put("amount", amount).put("amount_captured", 0).put("amount_refunded", 0)
                .putNull("application").putNull("application_fee").putNull("application_fee_amount")
                .put("balance_transaction", "txn_" + id.substring(3));
        ObjectNode billing = ch.putObject("billing_details");
        billing.putObject("address").putNull("city").putNull("country").putNull("line1").putNull("line2")
                .putNull("postal_code").putNull("state");
        billing.putNull("email").putNull("name").putNull("phone").putNull("tax_id");
        ch.put("calculated_statement_descriptor", "CARTWHEEL").put("captured", false).put("created", created)
                .put("currency", intent.path("currency").asText()).putNull("customer").putNull("description")
                .put("disputed", false).putNull("failure_balance_transaction").putNull("failure_code")
                .putNull("failure_message");
        ch.putObject("fraud_details");
        ch.put("livemode", false);
        // a charge made for a PaymentIntent carries the intent's metadata
        ch.set("metadata", intent.path("metadata").deepCopy());
        ch.putNull("on_behalf_of");
        ch.putObject("outcome").putNull("advice_code").putNull("network_advice_code").putNull("network_decline_code")
                .put("network_status", card.declineCode() == null ? "approved_by_network" : "declined_by_network")
                .put("reason", card.declineCode()).put("risk_level", "normal")
                .put("seller_message", card.declineCode() == null ? "Payment complete." : "The bank did not return any further details with this decline.")
                .put("type", card.declineCode() == null ? "authorized" : "issuer_declined");
        ch.put("paid", card.declineCode() == null).put("payment_intent", intent.path("id").asText())
                .put("payment_method", card.id());
        ObjectNode details = ch.putObject("payment_method_details");
        ObjectNode cardDetails = details.putObject("card");
        cardDetails.put("amount_authorized", amount).put("brand", card.brand());
        cardDetails.putObject("checks").putNull("address_line1_check").putNull("address_postal_code_check")
                .put("cvc_check", "pass");
        cardDetails.put("country", "US").put("exp_month", 12).put("exp_year", 2034).put("fingerprint", "simulated0000000")
                .put("funding", "credit").put("last4", card.last4()).putNull("mandate").put("network", card.brand());
        details.put("type", "card");
        ch.putNull("receipt_email").putNull("receipt_number").put("receipt_url", "https://pay.stripe.com/receipts/simulated/" + id)
                .put("refunded", false);
        ch.putObject("refunds").put("object", "list").put("has_more", false).put("url", "/v1/charges/" + id + "/refunds")
                .putArray("data");
        ch.putNull("review").putNull("shipping").putNull("source_transfer").putNull("statement_descriptor")
                .putNull("statement_descriptor_suffix").put("status", "succeeded").putNull("transfer_data")
                .putNull("transfer_group").putNull("source");
        return ch;
    }

    static ObjectNode refund(String id, long amount, JsonNode intent, String chargeId, String reason, ObjectNode metadata,
                             long created) {
        ObjectNode re = JSON.createObjectNode();
        re.put("id", id).put("object", "refund").put("amount", amount).put("balance_transaction", "txn_" + id.substring(3))
                .put("charge", chargeId).put("created", created).put("currency", intent.path("currency").asText());
        re.putObject("destination_details").put("type", "card").putObject("card").put("reference_status", "pending")
                .put("reference_type", "acquirer_reference_number").put("type", "refund");
        re.set("metadata", metadata);
        re.put("payment_intent", intent.path("id").asText());
        if (reason == null) {
            re.putNull("reason");
        } else {
            re.put("reason", reason);
        }
        re.putNull("receipt_number").putNull("source_transfer_reversal").put("status", "succeeded")
                .putNull("transfer_reversal").putNull("customer").putNull("customer_account")
                .put("payment_method", intent.path("payment_method").asText());
        return re;
    }

    static ObjectNode paymentMethod(TestCard card, long created) {
        ObjectNode pm = JSON.createObjectNode();
        pm.put("id", card.id()).put("object", "payment_method").put("allow_redisplay", "unspecified");
        ObjectNode billing = pm.putObject("billing_details");
        billing.putObject("address").putNull("city").putNull("country").putNull("line1").putNull("line2")
                .putNull("postal_code").putNull("state");
        billing.putNull("email").putNull("name").putNull("phone").putNull("tax_id");
        ObjectNode c = pm.putObject("card");
        c.put("brand", card.brand());
        c.putObject("checks").putNull("address_line1_check").putNull("address_postal_code_check").putNull("cvc_check");
        c.put("country", "US").put("display_brand", card.brand()).put("exp_month", 12).put("exp_year", 2034)
                .put("fingerprint", "simulated0000000").put("funding", "credit").putNull("generated_from")
                .put("last4", card.last4());
        c.putObject("networks").putNull("preferred").putArray("available").add(card.brand());
        c.putObject("three_d_secure_usage").put("supported", true);
        c.putNull("wallet").putNull("regulated_status");
        pm.put("created", created).putNull("customer").put("livemode", false);
        pm.putObject("metadata");
        pm.put("type", "card").putNull("customer_account");
        return pm;
    }

    static ObjectNode event(String id, String type, ObjectNode object, long created, String idempotencyKey) {
        ObjectNode ev = JSON.createObjectNode();
        ev.put("id", id).put("object", "event").put("api_version", "2024-06-20").put("created", created);
        ev.putObject("data").set("object", object);
        ev.put("livemode", false).put("pending_webhooks", 1);
        ObjectNode request = ev.putObject("request");
        if (idempotencyKey == null) {
            request.putNull("id").putNull("idempotency_key");
        } else {
            request.put("id", "req_" + id.substring(4, Math.min(id.length(), 18))).put("idempotency_key", idempotencyKey);
        }
        ev.put("type", type);
        return ev;
    }
}
