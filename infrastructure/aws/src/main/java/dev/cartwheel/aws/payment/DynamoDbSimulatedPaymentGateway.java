package dev.cartwheel.aws.payment;

import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.payment.Authorization;
import dev.cartwheel.core.payment.Capture;
import dev.cartwheel.core.payment.PaymentGateway;
import dev.cartwheel.core.payment.PaymentProviderException;
import dev.cartwheel.core.payment.Refund;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A payment provider simulation with Stripe-style test tokens, for development and tests:
 * {@code tok_visa} and {@code tok_mastercard} are approved, {@code tok_chargeDeclined} and
 * {@code tok_insufficientFunds} are declined, {@code tok_processingError} fails transiently,
 * {@code tok_authorizeThenAsync} answers "pending" and is decided later ({@link #settlePending}, which a real provider
 * follows with its webhook), any other token is declined as invalid. Like a real provider it remembers every operation by idempotency key in its
 * own table and answers a repeated key with the first result, so money never moves twice.
 */
public final class DynamoDbSimulatedPaymentGateway implements PaymentGateway {

    private final DynamoDbClient dynamoDb;
    private final String table;

    public DynamoDbSimulatedPaymentGateway(DynamoDbClient dynamoDb, String table) {
        this.dynamoDb = dynamoDb;
        this.table = table;
    }

    @Override
    public Authorization authorize(String idempotencyKey, String paymentToken, Money amount) {
        Map<String, AttributeValue> record = remember(idempotencyKey, () -> {
            Map<String, AttributeValue> item = operation("authorize", amount);
            switch (paymentToken) {
                case "tok_visa" -> approved(item, "visa", "4242");
                case "tok_mastercard" -> approved(item, "mastercard", "4444");
                case "tok_authorizeThenAsync" -> {
                    approved(item, "visa", "4242");
                    item.put("pending", AttributeValue.fromBool(true));
                }
                case "tok_chargeDeclined" -> item.put("declineCode", AttributeValue.fromS("card_declined"));
                case "tok_insufficientFunds" -> item.put("declineCode", AttributeValue.fromS("insufficient_funds"));
                case "tok_processingError" -> throw new PaymentProviderException("processing_error: try again later");
                default -> item.put("declineCode", AttributeValue.fromS("invalid_token"));
            }
            return item;
        });
        return authorization(record);
    }

    /**
     * The provider decides a pending authorization, as its back office eventually does: approved, or declined with
     * {@code declineCode}. Returns the decided authorization, or empty if the key has no pending authorization (never
     * made, or already decided: deciding twice changes nothing).
     */
    public Optional<Authorization> settlePending(String idempotencyKey, boolean approve, String declineCode) {
        try {
            Map<String, AttributeValue> decided = dynamoDb.updateItem(b -> b.tableName(table)
                    .key(Map.of("idempotencyKey", AttributeValue.fromS(idempotencyKey)))
                    .conditionExpression("pending = :true")
                    .updateExpression(approve ? "REMOVE pending" : "REMOVE pending SET declineCode = :code")
                    .expressionAttributeValues(approve ? Map.of(":true", AttributeValue.fromBool(true))
                            : Map.of(":true", AttributeValue.fromBool(true), ":code", AttributeValue.fromS(declineCode)))
                    .returnValues(software.amazon.awssdk.services.dynamodb.model.ReturnValue.ALL_NEW)).attributes();
            return Optional.of(authorization(decided));
        } catch (ConditionalCheckFailedException notPending) {
            return Optional.empty();
        }
    }

    private static Authorization authorization(Map<String, AttributeValue> record) {
        AttributeValue declineCode = record.get("declineCode");
        if (declineCode != null) {
            return Authorization.declined(declineCode.s());
        }
        AttributeValue pending = record.get("pending");
        if (pending != null && Boolean.TRUE.equals(pending.bool())) {
            return Authorization.pending(record.get("paymentId").s(), record.get("brand").s(), record.get("last4").s());
        }
        return Authorization.approved(record.get("paymentId").s(), record.get("brand").s(), record.get("last4").s());
    }

    @Override
    public Capture capture(String idempotencyKey, String paymentId, Money amount) {
        Map<String, AttributeValue> record = remember(idempotencyKey, () -> {
            Map<String, AttributeValue> item = operation("capture", amount);
            item.put("paymentId", AttributeValue.fromS(paymentId));
            item.put("captureId", AttributeValue.fromS("cap_" + UUID.randomUUID()));
            return item;
        });
        return new Capture(record.get("captureId").s(), paymentId, amount(record));
    }

    @Override
    public void voidAuthorization(String idempotencyKey, String paymentId) {
        remember(idempotencyKey, () -> {
            Map<String, AttributeValue> item = new HashMap<>();
            item.put("operation", AttributeValue.fromS("void"));
            item.put("paymentId", AttributeValue.fromS(paymentId));
            return item;
        });
    }

    @Override
    public Refund refund(String idempotencyKey, String paymentId, Money amount) {
        Map<String, AttributeValue> record = remember(idempotencyKey, () -> {
            Map<String, AttributeValue> item = operation("refund", amount);
            item.put("paymentId", AttributeValue.fromS(paymentId));
            item.put("refundId", AttributeValue.fromS("re_" + UUID.randomUUID()));
            return item;
        });
        Refund refund = new Refund(record.get("refundId").s(), paymentId, amount(record));
        // the payment's list of refunds is a string set: adding the same refund again (a retry) changes nothing
        dynamoDb.updateItem(b -> b.tableName(table)
                .key(Map.of("idempotencyKey", AttributeValue.fromS(refundsKey(paymentId))))
                .updateExpression("ADD refunds :refund")
                .expressionAttributeValues(Map.of(":refund", AttributeValue.fromSs(List.of(
                        refund.refundId() + " " + refund.amount().amount() + " " + refund.amount().currency())))));
        return refund;
    }

    /**
     * Someone refunds {@code amount} of {@code paymentId} in the provider's dashboard, not through this backend; a
     * real provider then sends a {@code payment.refunded} webhook.
     */
    public Refund refundAtProvider(String paymentId, Money amount) {
        return refund("dashboard:" + UUID.randomUUID(), paymentId, amount);
    }

    @Override
    public Optional<Refund> findRefund(String idempotencyKey) {
        return find(idempotencyKey).filter(record -> "refund".equals(record.get("operation").s()))
                .map(record -> new Refund(record.get("refundId").s(), record.get("paymentId").s(), amount(record)));
    }

    @Override
    public List<Refund> findRefunds(String paymentId) {
        return find(refundsKey(paymentId)).map(item -> item.get("refunds").ss().stream().map(entry -> {
            String[] parts = entry.split(" ");
            return new Refund(parts[0], paymentId, new Money(Long.parseLong(parts[1]), parts[2]));
        }).toList()).orElse(List.of());
    }

    private static String refundsKey(String paymentId) {
        return "refunds-of:" + paymentId;
    }

    @Override
    public Optional<Authorization> findAuthorization(String idempotencyKey) {
        return find(idempotencyKey).filter(record -> "authorize".equals(record.get("operation").s()))
                .map(DynamoDbSimulatedPaymentGateway::authorization);
    }

    @Override
    public Optional<Capture> findCapture(String idempotencyKey) {
        return find(idempotencyKey).filter(record -> "capture".equals(record.get("operation").s()))
                .map(record -> new Capture(record.get("captureId").s(), record.get("paymentId").s(), amount(record)));
    }

    /**
     * The new result, stored if this key is new; else the result stored first (a retry or a racing writer).
     * One conditional write on the happy path, a read only for a repeated key.
     */
    private Map<String, AttributeValue> remember(String idempotencyKey, java.util.function.Supplier<Map<String, AttributeValue>> result) {
        Map<String, AttributeValue> item = new HashMap<>(result.get());
        item.put("idempotencyKey", AttributeValue.fromS(idempotencyKey));
        try {
            dynamoDb.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(idempotencyKey)"));
            return item;
        } catch (ConditionalCheckFailedException raced) {
            return find(idempotencyKey).orElseThrow(() -> raced);
        }
    }

    private Optional<Map<String, AttributeValue>> find(String idempotencyKey) {
        Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                .key(Map.of("idempotencyKey", AttributeValue.fromS(idempotencyKey))).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private static Map<String, AttributeValue> operation(String name, Money amount) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("operation", AttributeValue.fromS(name));
        item.put("amount", AttributeValue.fromN(Long.toString(amount.amount())));
        item.put("currency", AttributeValue.fromS(amount.currency()));
        return item;
    }

    private static void approved(Map<String, AttributeValue> item, String brand, String last4) {
        item.put("paymentId", AttributeValue.fromS("pay_" + UUID.randomUUID()));
        item.put("brand", AttributeValue.fromS(brand));
        item.put("last4", AttributeValue.fromS(last4));
    }

    private static Money amount(Map<String, AttributeValue> record) {
        return new Money(Long.parseLong(record.get("amount").n()), record.get("currency").s());
    }
}
