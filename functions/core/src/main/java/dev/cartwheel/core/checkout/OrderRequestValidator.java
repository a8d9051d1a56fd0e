package dev.cartwheel.core.checkout;

import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.CARD_DATA_REJECTED;
import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.INVALID_FIELD;
import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.INVALID_HEADER;
import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.MISSING_CLAIM;
import static dev.cartwheel.core.exceptions.InvalidRequestException.Problem.MISSING_HEADER;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.core.shipping.AddressValidator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Checks a checkout request before anything is read or written. Every failure names its field. */
public final class OrderRequestValidator {

    public static final int MAX_LINE_ITEMS = 50;
    public static final int MAX_QUANTITY = 100;
    public static final Pattern SKU = Pattern.compile("^[A-Z0-9-]{1,32}$");
    private static final Pattern PAYMENT_TOKEN = Pattern.compile("^[A-Za-z0-9_]{1,128}$");
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[\\x21-\\x7E]{8,255}$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s\\x00-\\x1F\\x7F<>\",;]{1,64}@[A-Za-z0-9.-]{1,189}\\.[A-Za-z]{2,63}$");
    private static final Pattern DIGIT_RUN = Pattern.compile("\\d[\\d -]{11,}\\d");

    private OrderRequestValidator() {
    }

    public static void validate(PlaceOrderRequest request) {
        List<LineItemRequest> items = request.items();
        if (items == null) {
            throw invalid("/items", "items is required");
        }
        if (items.isEmpty() || items.size() > MAX_LINE_ITEMS) {
            throw invalid("/items", "items must hold 1 to " + MAX_LINE_ITEMS + " lines, got " + items.size());
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
            LineItemRequest item = items.get(i);
            String at = "/items/" + i;
            if (item == null) {
                throw invalid(at, "line item must be an object");
            }
            if (item.sku() == null || !SKU.matcher(item.sku()).matches()) {
                throw invalid(at + "/sku", "sku must match " + SKU.pattern());
            }
            if (item.quantity() == null || item.quantity() < 1 || item.quantity() > MAX_QUANTITY) {
                throw invalid(at + "/quantity", "quantity must be an integer from 1 to " + MAX_QUANTITY);
            }
            if (!seen.add(item.sku())) {
                throw invalid(at + "/sku", "duplicate sku " + item.sku() + ": put the total quantity on one line");
            }
        }
        String token = request.paymentToken();
        if (token == null) {
            throw invalid("/paymentToken", "paymentToken is required");
        }
        if (containsCardNumber(token)) {
            throw new InvalidRequestException(CARD_DATA_REJECTED, "/paymentToken",
                    "paymentToken looks like a card number: send a payment provider token, never card data");
        }
        if (!PAYMENT_TOKEN.matcher(token).matches()) {
            throw invalid("/paymentToken", "paymentToken must be a provider token of letters, digits and _");
        }
        AddressValidator.validate(request.shippingAddress(), "/shippingAddress");
        String method = request.shippingMethod();
        if (method == null) {
            throw invalid("/shippingMethod", "shippingMethod is required: the id of a method GET /shipping-methods?country=XX lists");
        }
        if (!ShopRulesService.METHOD_ID.matcher(method).matches()) {
            throw invalid("/shippingMethod", "shippingMethod must match " + ShopRulesService.METHOD_ID.pattern());
        }
    }

    public static void validateIdempotencyKey(String key) {
        if (key == null || key.isEmpty()) {
            throw new InvalidRequestException(MISSING_HEADER, "Idempotency-Key",
                    "the Idempotency-Key header is required (8 to 255 printable characters)");
        }
        if (!IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw new InvalidRequestException(INVALID_HEADER, "Idempotency-Key",
                    "Idempotency-Key must be 8 to 255 printable ASCII characters without spaces");
        }
    }

    /** The customer's address from the token; it reaches an e-mail header, so CR, LF and NUL are refused. */
    public static String requireEmail(Caller caller) {
        String email = caller.email();
        if (email == null || email.isBlank()) {
            throw new InvalidRequestException(MISSING_CLAIM, "email",
                    "the token has no email claim: the confirmation e-mail goes only to the token's address");
        }
        if (email.length() > 254 || !EMAIL.matcher(email).matches()) {
            throw new InvalidRequestException(MISSING_CLAIM, "email",
                    "the token's email claim is not a usable e-mail address");
        }
        if (caller.emailUnverified()) {
            throw new InvalidRequestException(InvalidRequestException.Problem.EMAIL_UNVERIFIED, "email_verified",
                    "the token says its e-mail address is not verified: verify it, then sign in again");
        }
        return email;
    }

    /** True if the text holds a run of 13 to 19 digits (spaces and dashes allowed) that passes the Luhn check. */
    public static boolean containsCardNumber(String text) {
        Matcher matcher = DIGIT_RUN.matcher(text);
        while (matcher.find()) {
            String digits = matcher.group().replaceAll("[ -]", "");
            if (digits.length() >= 13 && digits.length() <= 19 && luhnValid(digits)) {
                return true;
            }
        }
        return false;
    }

    static boolean luhnValid(String digits) {
        int sum = 0;
        boolean doubleIt = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubleIt) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return sum % 10 == 0;
    }

    private static InvalidRequestException invalid(String field, String detail) {
        return new InvalidRequestException(INVALID_FIELD, field, detail);
    }
}
