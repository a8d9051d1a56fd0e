package dev.cartwheel.core.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OrderRequestValidatorTest {

    static final dev.cartwheel.core.shipping.ShippingAddress ADDRESS = new dev.cartwheel.core.shipping.ShippingAddress(
            "Ada Lovelace", "12 Main Street", null, "Springfield", "IL", "62701", "US", null);

    private static PlaceOrderRequest request(String token, LineItemRequest... items) {
        return new PlaceOrderRequest(Arrays.asList(items), token, ADDRESS, "standard");
    }

    static Stream<Arguments> badRequests() {
        List<LineItemRequest> fiftyOne = IntStream.range(0, 51).mapToObj(i -> new LineItemRequest("SKU-" + i, 1)).toList();
        return Stream.of(
                Arguments.of(new PlaceOrderRequest(null, "pm_card_visa"), Problem.INVALID_FIELD, "/items"),
                Arguments.of(new PlaceOrderRequest(List.of(), "pm_card_visa"), Problem.INVALID_FIELD, "/items"),
                Arguments.of(new PlaceOrderRequest(fiftyOne, "pm_card_visa"), Problem.INVALID_FIELD, "/items"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("sku-lower", 1)), Problem.INVALID_FIELD, "/items/0/sku"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A".repeat(33), 1)), Problem.INVALID_FIELD, "/items/0/sku"),
                Arguments.of(request("pm_card_visa", new LineItemRequest(null, 1)), Problem.INVALID_FIELD, "/items/0/sku"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A", 0)), Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A", -1)), Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A", 101)), Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A", null)), Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of(request("pm_card_visa", new LineItemRequest("A", 1), new LineItemRequest("A", 2)), Problem.INVALID_FIELD, "/items/1/sku"),
                Arguments.of(request(null, new LineItemRequest("A", 1)), Problem.INVALID_FIELD, "/paymentToken"),
                Arguments.of(request("tok visa", new LineItemRequest("A", 1)), Problem.INVALID_FIELD, "/paymentToken"),
                Arguments.of(request("4242424242424242", new LineItemRequest("A", 1)), Problem.CARD_DATA_REJECTED, "/paymentToken"),
                Arguments.of(new PlaceOrderRequest(List.of(new LineItemRequest("A", 1)), "pm_card_visa", null, "standard"),
                        Problem.INVALID_FIELD, "/shippingAddress"),
                Arguments.of(new PlaceOrderRequest(List.of(new LineItemRequest("A", 1)), "pm_card_visa",
                        new dev.cartwheel.core.shipping.ShippingAddress("Ada", "1 Main St", null, "Springfield", null, "6270", "US", null),
                        "standard"), Problem.INVALID_FIELD, "/shippingAddress/postalCode"),
                Arguments.of(new PlaceOrderRequest(List.of(new LineItemRequest("A", 1)), "pm_card_visa", ADDRESS, null),
                        Problem.INVALID_FIELD, "/shippingMethod"),
                Arguments.of(new PlaceOrderRequest(List.of(new LineItemRequest("A", 1)), "pm_card_visa", ADDRESS, "Express!"),
                        Problem.INVALID_FIELD, "/shippingMethod"));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void validate_namesTheOffendingField(PlaceOrderRequest request, Problem problem, String field) {
        assertThatThrownBy(() -> OrderRequestValidator.validate(request))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    @Test
    void validate_acceptsAGoodRequest() {
        List<LineItemRequest> fifty = new ArrayList<>();
        IntStream.range(0, 50).forEach(i -> fifty.add(new LineItemRequest("SKU-" + i, 100)));
        assertThatCode(() -> OrderRequestValidator.validate(new PlaceOrderRequest(fifty, "pm_card_visa", ADDRESS, "standard"))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "has space in it", "\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9\u00e9"})
    void idempotencyKey_mustBe8To255PrintableAscii(String key) {
        assertThatThrownBy(() -> OrderRequestValidator.validateIdempotencyKey(key))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("Idempotency-Key"));
        assertThatThrownBy(() -> OrderRequestValidator.validateIdempotencyKey("k".repeat(256))).isInstanceOf(InvalidRequestException.class);
        assertThatCode(() -> OrderRequestValidator.validateIdempotencyKey("k".repeat(255))).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not-an-address", "a@b.c\r\nBcc: victim@example.com", "a\u0000@example.com", "a@example.com\n"})
    void email_fromTheTokenMustBeAPlainAddress(String email) {
        assertThatThrownBy(() -> OrderRequestValidator.requireEmail(new Caller("alice", email, Set.of())))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.problem()).isEqualTo(Problem.MISSING_CLAIM));
    }

    @Test
    void email_missingClaimIsAClearProblem() {
        assertThatThrownBy(() -> OrderRequestValidator.requireEmail(new Caller("alice", null, Set.of())))
                .hasMessageContaining("no email claim");
        assertThat(OrderRequestValidator.requireEmail(new Caller("alice", "alice+shop@example.co.uk", Set.of())))
                .isEqualTo("alice+shop@example.co.uk");
    }

    @Test
    void cardNumbers_areRecognisedByLuhn() {
        assertThat(OrderRequestValidator.containsCardNumber("4242 4242 4242 4242")).isTrue();
        assertThat(OrderRequestValidator.containsCardNumber("5555-5555-5555-4444")).isTrue();
        assertThat(OrderRequestValidator.containsCardNumber("4242424242424241")).isFalse();
        assertThat(OrderRequestValidator.containsCardNumber("pm_card_visa")).isFalse();
    }
}
