package dev.cartwheel.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.cartwheel.core.checkout.PlaceOrderRequest;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The strict body reader: every malformed, mistyped or unexpected body is a problem naming its field. */
class HttpApiTest {

    static Stream<Arguments> bodies() {
        String deep = "{\"items\":" + "[".repeat(40) + "]".repeat(40) + "}";
        return Stream.of(
                Arguments.of("{\"items\":[", Problem.MALFORMED_JSON, "body"),
                Arguments.of("[]", Problem.MALFORMED_JSON, "body"),
                Arguments.of("\"just a string\"", Problem.MALFORMED_JSON, "body"),
                Arguments.of("{} trailing", Problem.MALFORMED_JSON, "body"),
                Arguments.of("{\"items\":[],\"items\":[]}", Problem.MALFORMED_JSON, "body"),
                Arguments.of(deep, Problem.MALFORMED_JSON, "body"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":\"2\"}]}", Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":1.5}]}", Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":99999999999999}]}", Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":1" + "0".repeat(39) + "}]}", Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":-1" + "0".repeat(39) + "}]}", Problem.INVALID_FIELD, "/items/0/quantity"),
                Arguments.of("{\"items\":[{\"sku\":7,\"quantity\":1}]}", Problem.INVALID_FIELD, "/items/0/sku"),
                Arguments.of("{\"items\":\"ESPRESSO\"}", Problem.INVALID_FIELD, "/items"),
                Arguments.of("{\"items\":[],\"price\":1}", Problem.UNKNOWN_FIELD, "/price"),
                Arguments.of("{\"items\":[],\"customerId\":\"bob\"}", Problem.UNKNOWN_FIELD, "/customerId"),
                Arguments.of("{\"items\":[],\"email\":\"x@example.com\"}", Problem.UNKNOWN_FIELD, "/email"),
                Arguments.of("{\"items\":[{\"sku\":\"A\",\"quantity\":1,\"price\":1}]}", Problem.UNKNOWN_FIELD, "/items/0/price"),
                Arguments.of("{\"items\":[],\"cardNumber\":\"4242424242424242\"}", Problem.CARD_DATA_REJECTED, "/cardNumber"),
                Arguments.of("{\"pad\":\"" + "x".repeat(17 * 1024) + "\"}", Problem.BODY_TOO_LARGE, "body"));
    }

    @ParameterizedTest
    @MethodSource("bodies")
    void body_refusesWithAProblemNamingTheField(String body, Problem problem, String field) {
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withBody(body).withIsBase64Encoded(false).build();
        assertThatThrownBy(() -> HttpApi.body(event, PlaceOrderRequest.class))
                .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
                    assertThat(e.problem()).isEqualTo(problem);
                    assertThat(e.field()).isEqualTo(field);
                });
    }

    @org.junit.jupiter.api.Test
    void body_readsBase64EncodedBodies() {
        String json = "{\"items\":[{\"sku\":\"A\",\"quantity\":1}],\"paymentToken\":\"pm_card_visa\"}";
        APIGatewayV2HTTPEvent event = APIGatewayV2HTTPEvent.builder().withIsBase64Encoded(true)
                .withBody(Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8))).build();
        PlaceOrderRequest request = HttpApi.body(event, PlaceOrderRequest.class);
        assertThat(request.items()).singleElement().satisfies(item -> assertThat(item.quantity()).isEqualTo(1));
        assertThat(request.paymentToken()).isEqualTo("pm_card_visa");
    }

    @org.junit.jupiter.api.Test
    void body_namesWhereTheJsonBreaks_whenItIsNotValidJson() {
        String duplicate = "{\"items\":[],\"items\":[]}";
        String deep = "{\"items\":" + "[".repeat(40) + "]".repeat(40) + "}";
        assertThatThrownBy(() -> HttpApi.body(APIGatewayV2HTTPEvent.builder().withBody(duplicate).withIsBase64Encoded(false).build(),
                PlaceOrderRequest.class)).hasMessageContaining("at /items");
        assertThatThrownBy(() -> HttpApi.body(APIGatewayV2HTTPEvent.builder().withBody(deep).withIsBase64Encoded(false).build(),
                PlaceOrderRequest.class)).hasMessageContaining("at /items/0/0/0");
    }
}
