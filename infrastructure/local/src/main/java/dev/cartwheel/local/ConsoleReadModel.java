package dev.cartwheel.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.emulators.provisioning.ProvisionedResources;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.TemplateResource;
import dev.cartwheel.local.api.JwtAuthority;
import dev.cartwheel.local.console.ConsoleBackend;
import dev.cartwheel.local.lambda.FunctionPool;
import dev.cartwheel.local.lambda.LambdaService;
import dev.cartwheel.local.provider.LocalStripe;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The console's read model: what {@code /_local/} shows, read live from the cloud's services (the orders and the
 * fulfilment queue from DynamoDB, the queues and their dead letters from SQS, the e-mails and bus events from the
 * capture endpoints, the Stripe simulator's webhooks, the functions' pools and the API's recent events), and its two
 * actions: a dead-letter queue's redrive and a customer's 3-D Secure answer.
 */
final class ConsoleReadModel implements ConsoleBackend {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SamTemplate template;
    private final ProvisionedResources provisioned;
    private final AwsServices services;
    private final LambdaService lambda;
    private final Supplier<List<? extends JsonNode>> httpEvents;
    private final JwtAuthority authority;
    private final LocalStripe paymentProvider;

    /**
     * @param httpEvents      the API's recent events (the gateway is built with this console, so it is read later)
     * @param paymentProvider the Stripe simulator, or null when the cloud runs none
     */
    ConsoleReadModel(SamTemplate template, ProvisionedResources provisioned, AwsServices services, LambdaService lambda,
                     Supplier<List<? extends JsonNode>> httpEvents, JwtAuthority authority, LocalStripe paymentProvider) {
        this.template = template;
        this.provisioned = provisioned;
        this.services = services;
        this.lambda = lambda;
        this.httpEvents = httpEvents;
        this.authority = authority;
        this.paymentProvider = paymentProvider;
    }

    @Override
    public JsonNode orders() {
        ArrayNode out = JSON.createArrayNode();
        if (provisioned.find("OrdersTable").isEmpty()) {
            return out;
        }
        String table = provisioned.tableName("OrdersTable");
        List<Map<String, AttributeValue>> items = new ArrayList<>();
        services.dynamoDb().scanPaginator(r -> r.tableName(table)).items().forEach(items::add);
        items.sort(Comparator.comparing((Map<String, AttributeValue> i) -> i.containsKey("createdAt") ? i.get("createdAt").s() : "")
                .reversed());
        items.forEach(i -> out.add(toJson(i)));
        return out;
    }

    @Override
    public JsonNode fulfilmentQueue() {
        ArrayNode out = JSON.createArrayNode();
        if (provisioned.find("OrdersTable").isEmpty()) {
            return out;
        }
        String table = provisioned.tableName("OrdersTable");
        try {
            services.dynamoDb().query(r -> r.tableName(table).indexName("fulfilmentQueue").keyConditionExpression("#s = :s")
                            .expressionAttributeNames(Map.of("#s", "shipmentQueue"))
                            .expressionAttributeValues(Map.of(":s", AttributeValue.fromS("CONFIRMED")))
                            .scanIndexForward(true).limit(100))
                    .items().forEach(i -> {
                        ObjectNode o = JSON.createObjectNode();
                        o.put("orderId", i.get("orderId").s());
                        o.put("createdAt", i.containsKey("createdAt") ? i.get("createdAt").s() : "");
                        o.set("lines", toJson(i.getOrDefault("lines", AttributeValue.fromL(List.of()))));
                        if (i.containsKey("shipping")) {
                            o.set("shipping", toJson(i.get("shipping")));
                        }
                        if (i.containsKey("total")) {
                            o.set("total", toJson(i.get("total")));
                        }
                        out.add(o);
                    });
        } catch (software.amazon.awssdk.services.dynamodb.model.DynamoDbException noIndex) {
            // a template without the fulfilmentQueue index has no queue to show
        }
        return out;
    }

    private static JsonNode toJson(Map<String, AttributeValue> item) {
        ObjectNode o = JSON.createObjectNode();
        item.forEach((k, v) -> o.set(k, toJson(v)));
        return o;
    }

    private static JsonNode toJson(AttributeValue v) {
        if (v.s() != null) {
            return JSON.getNodeFactory().textNode(v.s());
        }
        if (v.n() != null) {
            return JSON.getNodeFactory().numberNode(new java.math.BigDecimal(v.n()));
        }
        if (v.bool() != null) {
            return JSON.getNodeFactory().booleanNode(v.bool());
        }
        if (v.hasM()) {
            return toJson(v.m());
        }
        if (v.hasL()) {
            ArrayNode a = JSON.createArrayNode();
            v.l().forEach(e -> a.add(toJson(e)));
            return a;
        }
        if (v.hasSs()) {
            ArrayNode a = JSON.createArrayNode();
            v.ss().forEach(a::add);
            return a;
        }
        if (v.hasNs()) {
            ArrayNode a = JSON.createArrayNode();
            v.ns().forEach(n -> a.add(new java.math.BigDecimal(n)));
            return a;
        }
        return JSON.getNodeFactory().nullNode();
    }

    /** Source queue logical id by its DLQ logical id, from the RedrivePolicies. */
    private Map<String, String> sourceByDlq() {
        Map<String, String> out = new LinkedHashMap<>();
        for (TemplateResource q : template.resources(SamTemplate.SQS_QUEUE)) {
            Map<String, Object> redrive = TemplateModel.map(template.resolvedProperties(q.logicalId()).get("RedrivePolicy"));
            Object target = redrive.get("deadLetterTargetArn");
            if (target != null) {
                provisioned.resources().values().stream().filter(r -> target.toString().equals(r.arn())).findFirst()
                        .ifPresent(dlq -> out.put(dlq.logicalId(), q.logicalId()));
            }
        }
        return out;
    }

    @Override
    public JsonNode queues() {
        ArrayNode out = JSON.createArrayNode();
        Map<String, String> sources = sourceByDlq();
        for (TemplateResource q : template.resources(SamTemplate.SQS_QUEUE)) {
            String url = provisioned.queueUrl(q.logicalId());
            var attrs = services.sqs().getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                    .attributes();
            ObjectNode n = out.addObject();
            n.put("logicalId", q.logicalId());
            n.put("name", provisioned.name(q.logicalId()));
            n.put("url", url);
            n.put("visible", Integer.parseInt(attrs.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "0")));
            n.put("inFlight", Integer.parseInt(attrs.getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "0")));
            boolean dlq = sources.containsKey(q.logicalId());
            n.put("deadLetterQueue", dlq);
            if (dlq) {
                n.put("sourceQueue", sources.get(q.logicalId()));
                ArrayNode messages = n.putArray("messages");
                // peek: receive without hiding the messages (visibility 0)
                for (Message m : services.sqs().receiveMessage(r -> r.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(0)
                        .waitTimeSeconds(0).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages()) {
                    ObjectNode mn = messages.addObject();
                    mn.put("messageId", m.messageId());
                    mn.put("body", m.body());
                    mn.put("receiveCount", m.attributesAsStrings().get("ApproximateReceiveCount"));
                }
            }
        }
        return out;
    }

    @Override
    public int redrive(String deadLetterQueueName) {
        Map<String, String> sources = sourceByDlq();
        String dlqId = provisioned.resources().values().stream()
                .filter(r -> deadLetterQueueName.equals(r.name()) || deadLetterQueueName.equals(r.logicalId()))
                .map(r -> r.logicalId()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no queue " + deadLetterQueueName));
        String source = sources.get(dlqId);
        if (source == null) {
            throw new IllegalArgumentException(deadLetterQueueName + " is not a dead-letter queue");
        }
        String from = provisioned.queueUrl(dlqId);
        String to = provisioned.queueUrl(source);
        int moved = 0;
        while (true) {
            List<Message> batch = services.sqs().receiveMessage(r -> r.queueUrl(from).maxNumberOfMessages(10).waitTimeSeconds(0)
                    .visibilityTimeout(30).messageAttributeNames("All")).messages();
            if (batch.isEmpty()) {
                return moved;
            }
            for (Message m : batch) {
                services.sqs().sendMessage(r -> r.queueUrl(to).messageBody(m.body()).messageAttributes(m.messageAttributes()));
                services.sqs().deleteMessage(r -> r.queueUrl(from).receiptHandle(m.receiptHandle()));
                moved++;
            }
        }
    }

    @Override
    public JsonNode mail() {
        ArrayNode out = JSON.createArrayNode();
        JsonNode captured = capturedMail();
        List<JsonNode> list = new ArrayList<>();
        captured.forEach(list::add);
        list.sort(Comparator.comparing((JsonNode m) -> m.path("timestamp").asText()).reversed());
        list.forEach(out::add);
        return out;
    }

    private JsonNode capturedMail() {
        if (services.emulators().isPresent()) {
            ArrayNode a = JSON.createArrayNode();
            services.emulators().get().ses().messages().forEach(m -> {
                ObjectNode n = a.addObject();
                n.put("messageId", m.messageId());
                n.put("from", m.from());
                ArrayNode to = n.putArray("to");
                m.to().forEach(to::add);
                n.put("subject", m.subject());
                n.put("text", m.text());
                n.put("html", m.html());
                n.put("timestamp", m.timestamp().toString());
            });
            return a;
        }
        // an external endpoint: its mailbox where it has one, else the e-mail records Cartwheel writes
        return new ExternalMailbox(services.endpoints().ses(), services.dynamoDb(), provisioned.tableName("IdempotencyTable"))
                .messages();
    }

    /**
     * The events on the template's event buses, newest first: bus, time, detail-type, source, id, and the
     * {@code orderId} and {@code version} of the detail when it has them.
     */
    @Override
    public JsonNode busEvents() {
        List<JsonNode> events = new ArrayList<>();
        for (TemplateResource bus : template.resources(SamTemplate.EVENT_BUS)) {
            if (provisioned.find(bus.logicalId()).isEmpty()) {
                continue;
            }
            String name = provisioned.eventBusName(bus.logicalId());
            for (JsonNode e : capturedEvents(name)) {
                ObjectNode n = JSON.createObjectNode();
                n.put("bus", name);
                n.put("busLogicalId", bus.logicalId());
                n.put("id", e.path("id").asText());
                n.put("time", e.path("time").asText());
                n.put("source", e.path("source").asText());
                n.put("detailType", e.path("detail-type").asText());
                JsonNode detail = e.path("detail");
                if (detail.hasNonNull("orderId")) {
                    n.put("orderId", detail.get("orderId").asText());
                }
                if (detail.hasNonNull("version")) {
                    n.set("version", detail.get("version"));
                }
                n.set("detail", detail);
                events.add(n);
            }
        }
        // each bus's events come oldest first: reversed, a stable sort keeps events of the same second newest first
        java.util.Collections.reverse(events);
        events.sort(Comparator.comparing((JsonNode n) -> n.path("time").asText()).reversed());
        ArrayNode out = JSON.createArrayNode();
        events.forEach(out::add);
        return out;
    }

    /** EventBridge's envelopes of a bus's events, from the embedded capture server or an endpoint serving one. */
    private JsonNode capturedEvents(String busName) {
        if (services.emulators().isPresent()) {
            ArrayNode a = JSON.createArrayNode();
            services.emulators().get().eventBridge().events(busName).forEach(e -> a.add(e.envelope()));
            return a;
        }
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(services.endpoints().eventBridge().resolve("/_captured?bus="
                    + java.net.URLEncoder.encode(busName, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return JSON.readTree(r.body());
            }
        } catch (IOException | InterruptedException | RuntimeException ignored) {
            // an external endpoint without a capture API (e.g. LocalStack): the console shows no events
        }
        return JSON.createArrayNode();
    }

    /** The console's action: the order's customer completes or fails 3-D Secure at the Stripe simulator. */
    @Override
    public JsonNode authenticate(String orderId, boolean succeed) {
        if (paymentProvider == null) {
            throw new IllegalStateException("this local cloud runs no Stripe simulator");
        }
        var stripe = paymentProvider.simulator();
        JsonNode waiting = stripe.paymentIntentsOfOrder(orderId).stream()
                .filter(intent -> intent.path("status").asText().equals("requires_action")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no payment of " + orderId + " waits for 3-D Secure"));
        return stripe.authenticate(waiting.path("id").asText(), succeed);
    }

    /** The Stripe simulator's webhook delivery attempts, newest first. */
    @Override
    public JsonNode webhooks() {
        ArrayNode out = JSON.createArrayNode();
        if (paymentProvider == null) {
            return out;
        }
        for (var d : paymentProvider.deliveries().reversed()) {
            ObjectNode n = out.addObject();
            n.put("eventId", d.eventId());
            n.put("type", d.type());
            n.put("orderId", d.orderId());
            n.put("attempt", d.attempt());
            n.put("at", d.at().toString());
            n.put("status", d.status());
            n.put("response", d.response());
        }
        return out;
    }

    @Override
    public JsonNode functions() {
        ArrayNode out = JSON.createArrayNode();
        for (FunctionPool p : lambda.pools()) {
            ObjectNode n = out.addObject();
            n.put("name", p.spec().name());
            n.put("handler", p.spec().handler());
            n.put("codeUri", p.spec().codeUri().toString());
            n.put("environments", p.liveInstances());
            n.put("maxConcurrency", p.maxConcurrency());
            n.put("invocations", p.invocations());
            n.put("coldStarts", p.coldStarts());
        }
        return out;
    }

    @Override
    public JsonNode httpEvents() {
        ArrayNode out = JSON.createArrayNode();
        httpEvents.get().forEach(out::add);
        return out;
    }

    @Override
    public JsonNode jwks() {
        return authority.jwks();
    }

    @Override
    public String issuer() {
        return String.valueOf(template.parameterValues().get(TemplateModel.JWT_ISSUER));
    }
}
