package dev.cartwheel.aws.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.core.checkout.Caller;
import dev.cartwheel.core.checkout.OrderRequestValidator;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The HTTP API (payload format 2.0) seen from a handler: the caller from the verified JWT claims, headers,
 * the body read strictly into a record, and responses, errors as RFC 9457 {@code application/problem+json}.
 */
public final class HttpApi {

    /** Larger bodies are refused before parsing. */
    public static final int MAX_BODY_BYTES = 16 * 1024;
    public static final String PROBLEM_TYPE_BASE = "https://cartwheel.dev/problems/";
    private static final Set<String> CARD_FIELDS = Set.of("cardnumber", "card_number", "card", "pan", "number", "cvc", "cvv", "expiry");

    private HttpApi() {
    }

    /** The claim Cognito lists a user's groups in; API Gateway passes an array claim as {@code "[a b]"}. */
    public static final String GROUPS_CLAIM = "cognito:groups";

    /**
     * The caller from {@code requestContext.authorizer.jwt.claims}: {@code sub}, {@code email}, {@code scope},
     * {@code cognito:groups} and {@code email_verified} (only an explicit {@code false} marks the address unverified).
     */
    public static Caller caller(APIGatewayV2HTTPEvent event) {
        Map<String, String> claims = claims(event);
        String sub = claims.get("sub");
        if (sub == null || sub.isBlank()) {
            throw new UnauthenticatedException();
        }
        String scope = claims.getOrDefault("scope", "");
        Set<String> scopes = Arrays.stream(scope.replace("[", "").replace("]", "").split("[\\s,]+"))
                .filter(s -> !s.isBlank()).collect(Collectors.toSet());
        String groups = claims.getOrDefault(GROUPS_CLAIM, "").strip();
        if (groups.startsWith("[") && groups.endsWith("]")) {
            groups = groups.substring(1, groups.length() - 1);
        }
        Set<String> groupSet = Arrays.stream(groups.split("\\s+")).filter(g -> !g.isBlank()).collect(Collectors.toSet());
        boolean unverified = "false".equalsIgnoreCase(claims.getOrDefault("email_verified", "").strip());
        return new Caller(sub, claims.get("email"), scopes, groupSet, unverified);
    }

    private static Map<String, String> claims(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        if (context == null || context.getAuthorizer() == null || context.getAuthorizer().getJwt() == null
                || context.getAuthorizer().getJwt().getClaims() == null) {
            return Map.of();
        }
        return context.getAuthorizer().getJwt().getClaims();
    }

    /** A request header; API Gateway lower-cases header names in payload 2.0. */
    public static String header(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> headers = event.getHeaders();
        return headers == null ? null : headers.get(name.toLowerCase(Locale.ROOT));
    }

    public static String queryParameter(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> query = event.getQueryStringParameters();
        return query == null ? null : query.get(name);
    }

    public static String pathParameter(APIGatewayV2HTTPEvent event, String name) {
        Map<String, String> path = event.getPathParameters();
        return path == null ? null : path.get(name);
    }

    /** The route key, e.g. {@code POST /orders}; built from method and path when the route is {@code $default}. */
    public static String route(APIGatewayV2HTTPEvent event) {
        String routeKey = event.getRouteKey();
        if (routeKey != null && !routeKey.equals("$default")) {
            return routeKey;
        }
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        return http == null ? "" : http.getMethod() + " " + http.getPath();
    }

    /** A page size from {@code ?limit=}, 1 to {@code max}, {@code fallback} when absent. */
    public static int limit(APIGatewayV2HTTPEvent event, int fallback, int max) {
        String raw = queryParameter(event, "limit");
        if (raw == null) {
            return fallback;
        }
        try {
            int limit = Integer.parseInt(raw);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InvalidRequestException(Problem.INVALID_FIELD, "limit", "limit must be an integer from 1 to " + max);
    }

    /**
     * The body as sent, base64-decoded if API Gateway encoded it ({@code ""} if there is none), refused if larger
     * than {@link #MAX_BODY_BYTES}. A blank body is returned as it is; {@link #parse} refuses it.
     */
    public static String rawBody(APIGatewayV2HTTPEvent event) {
        return withinSizeLimit(decoded(event));
    }

    /** The body parsed strictly into {@code type}; every failure names the offending field. */
    public static <T> T body(APIGatewayV2HTTPEvent event, Class<T> type) {
        String raw = decoded(event);
        // a blank body is reported as missing, however long it is: checked before the size
        requirePresent(raw);
        return parse(withinSizeLimit(raw), type);
    }

    private static String decoded(APIGatewayV2HTTPEvent event) {
        String raw = event.getBody() == null ? "" : event.getBody();
        if (!event.getIsBase64Encoded()) {
            return raw;
        }
        try {
            return new String(Base64.getDecoder().decode(raw), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "body is not valid base64");
        }
    }

    private static void requirePresent(String raw) {
        if (raw == null || raw.isBlank()) {
            throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "a JSON body is required");
        }
    }

    private static String withinSizeLimit(String raw) {
        if (raw.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            throw new InvalidRequestException(Problem.BODY_TOO_LARGE, "body",
                    "body must not exceed " + MAX_BODY_BYTES + " bytes");
        }
        return raw;
    }

    /** A body (e.g. from {@link #rawBody}) parsed strictly into {@code type}; every failure names the offending field. */
    public static <T> T parse(String raw, Class<T> type) {
        requirePresent(raw);
        JsonNode tree;
        JsonParser parser = null;
        try {
            // an explicit parser, so that a failure can say where in the document it happened
            parser = Json.mapper().createParser(raw);
            tree = Json.mapper().readTree(parser);
            if (tree != null && parser.nextToken() != null) {
                throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "body is not valid JSON: content after the object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation location = e.getLocation();
            String at = parser == null ? "" : parser.getParsingContext().pathAsPointer().toString();
            boolean tooDeep = parser != null && parser.getParsingContext().getNestingDepth() > Json.MAX_NESTING_DEPTH;
            if (e instanceof StreamConstraintsException && !at.isEmpty() && !tooDeep) {
                // valid JSON with a value too long to read (a number of more than 20 digits): a wrong value of that field
                throw new InvalidRequestException(Problem.INVALID_FIELD, at, "value too long for " + at);
            }
            throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "body is not valid JSON"
                    + (at.isEmpty() ? "" : " at " + at)
                    + (location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "body is not valid JSON");
        } finally {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // a String source: nothing to release
                }
            }
        }
        if (tree == null || !tree.isObject()) {
            throw new InvalidRequestException(Problem.MALFORMED_JSON, "body", "body must be a JSON object");
        }
        try {
            return Json.mapper().treeToValue(tree, type);
        } catch (UnrecognizedPropertyException e) {
            String field = pointer(e);
            if (CARD_FIELDS.contains(e.getPropertyName().toLowerCase(Locale.ROOT))) {
                throw new InvalidRequestException(Problem.CARD_DATA_REJECTED, field,
                        "card data is never accepted: send a payment provider token in paymentToken");
            }
            throw new InvalidRequestException(Problem.UNKNOWN_FIELD, field,
                    "unknown field " + field + ": the server sets prices, totals, status and the customer");
        } catch (JsonProcessingException e) {
            String field = pointer(e);
            throw new InvalidRequestException(Problem.INVALID_FIELD, field.isEmpty() ? "body" : field,
                    "wrong type or value for " + (field.isEmpty() ? "body" : field));
        }
    }

    /** The JSON pointer of the field a mapping error is about, from its path or else from the parser's position. */
    private static String pointer(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser
                    ? parser.getParsingContext().pathAsPointer().toString() : "";
        }
        StringBuilder pointer = new StringBuilder();
        for (var reference : mapping.getPath()) {
            pointer.append('/').append(reference.getFieldName() != null ? reference.getFieldName() : reference.getIndex());
        }
        return pointer.toString();
    }

    public static APIGatewayV2HTTPResponse json(int status, JsonNode body, Map<String, String> headers) {
        java.util.HashMap<String, String> all = new java.util.HashMap<>(headers);
        all.put("content-type", "application/json");
        all.put("cache-control", "no-store");
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status).withHeaders(all)
                .withBody(body.toString()).withIsBase64Encoded(false).build();
    }

    public static APIGatewayV2HTTPResponse problem(InvalidRequestException e) {
        ObjectNode body = problemBody(e.problem().slug(), e.problem().title(), e.problem().status(), e.getMessage());
        body.put("field", e.field());
        return problemResponse(e.problem().status(), body);
    }

    public static APIGatewayV2HTTPResponse problem(int status, String slug, String title, String detail) {
        return problemResponse(status, problemBody(slug, title, status, detail));
    }

    private static ObjectNode problemBody(String slug, String title, int status, String detail) {
        return Json.mapper().createObjectNode()
                .put("type", PROBLEM_TYPE_BASE + slug)
                .put("title", title)
                .put("status", status)
                .put("detail", detail);
    }

    private static APIGatewayV2HTTPResponse problemResponse(int status, ObjectNode body) {
        return APIGatewayV2HTTPResponse.builder().withStatusCode(status)
                .withHeaders(Map.of("content-type", "application/problem+json", "cache-control", "no-store"))
                .withBody(body.toString()).withIsBase64Encoded(false).build();
    }

    /**
     * Runs a route and turns the core's typed exceptions into problem responses: invalid request -> its
     * status, unknown order -> 404, no caller -> 401, missing scope -> 403, anything else -> 500 without details.
     */
    public static APIGatewayV2HTTPResponse respond(APIGatewayV2HTTPEvent event, StructuredLog log,
                                                   java.util.function.Supplier<APIGatewayV2HTTPResponse> route) {
        try {
            return route.get();
        } catch (InvalidRequestException e) {
            return problem(e);
        } catch (dev.cartwheel.core.exceptions.OrderNotFoundException e) {
            return problem(404, "not-found", "Not found", e.getMessage());
        } catch (UnauthenticatedException e) {
            return problem(401, "unauthenticated", "Unauthenticated", "a valid bearer token is required");
        } catch (ForbiddenException e) {
            return problem(403, "forbidden", "Forbidden", e.getMessage());
        } catch (RuntimeException e) {
            String requestId = event.getRequestContext() == null ? null : event.getRequestContext().getRequestId();
            log.error(new StructuredLog.Entry(requestId, null, null, route(event), "error",
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
            return problem(500, "internal", "Internal error", "the request failed; retry with the same Idempotency-Key");
        }
    }

    /** Checks a scope the route requires; API Gateway checks it first, this is defence in depth. */
    public static void requireScope(Caller caller, String scope) {
        if (!caller.hasScope(scope)) {
            throw new ForbiddenException(scope);
        }
    }

    /**
     * Checks an admin route's scope and that the caller is in the admin group ({@code cognito:groups}, template
     * parameter {@code AdminGroup}). API Gateway checks the scope only: Cognito lets an app client ask for any of its
     * scopes, so the group, which only an administrator can grant, is what makes an admin.
     */
    public static void requireAdmin(Caller caller, String scope, String adminGroup) {
        requireScope(caller, scope);
        if (adminGroup == null || adminGroup.isBlank() || !caller.inGroup(adminGroup)) {
            throw ForbiddenException.notInGroup(adminGroup);
        }
    }

    /** The idempotency header as sent, for {@link OrderRequestValidator#validateIdempotencyKey}. */
    public static String idempotencyKey(APIGatewayV2HTTPEvent event) {
        return header(event, "Idempotency-Key");
    }

    /** The token carried no subject: the authorizer did not run or was misconfigured. */
    public static final class UnauthenticatedException extends RuntimeException {
        public UnauthenticatedException() {
            super("no authenticated caller");
        }
    }

    /** The token lacks a scope the route requires. */
    public static final class ForbiddenException extends RuntimeException {
        public ForbiddenException(String scope) {
            super("this route requires scope " + scope);
        }

        private ForbiddenException(String message, boolean ignored) {
            super(message);
        }

        /** The caller is not in the group the route requires. */
        public static ForbiddenException notInGroup(String group) {
            return new ForbiddenException("this route requires membership of the group " + group, true);
        }
    }
}
