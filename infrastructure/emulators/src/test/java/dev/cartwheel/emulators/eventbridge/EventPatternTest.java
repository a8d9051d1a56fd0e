package dev.cartwheel.emulators.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** EventBridge's pattern matching (event-ruler), on envelopes as a rule sees them. */
class EventPatternTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode event(String detailType, String detail) {
        try {
            return JSON.readTree("{\"version\":\"0\",\"id\":\"e1\",\"source\":\"cartwheel.orders\",\"detail-type\":\""
                    + detailType + "\",\"account\":\"000000000000\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":"
                    + detail + "}");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final JsonNode CONFIRMED = event("order.confirmed",
            "{\"orderId\":\"ord_1\",\"status\":\"CONFIRMED\",\"total\":{\"amount\":2500,\"currency\":\"USD\"},"
                    + "\"lines\":[{\"sku\":\"ESPRESSO-CUP\",\"quantity\":2},{\"sku\":\"MUG\",\"quantity\":1}],\"note\":null}");

    @Test
    void literalsInArrays_matchOneOfTheValues_andEveryFieldMustMatch() {
        assertThat(EventPattern.parse("{\"source\":[\"cartwheel.orders\"],\"detail-type\":[\"order.paid\",\"order.confirmed\"]}")
                .matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"source\":[\"cartwheel.orders\"],\"detail-type\":[\"order.paid\"]}")
                .matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"source\":[\"other\"]}").matches(CONFIRMED)).isFalse();
    }

    @Test
    void nestedObjects_numbersByValue_arraysByAnyElement_andNull() {
        assertThat(EventPattern.parse("{\"detail\":{\"total\":{\"amount\":[2500.0],\"currency\":[\"USD\"]}}}")
                .matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"lines\":{\"sku\":[\"MUG\"]}}}").matches(CONFIRMED))
                .as("an object pattern matches one element of an array of objects").isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"lines\":{\"sku\":[\"MUG\"],\"quantity\":[2]}}}").matches(CONFIRMED))
                .as("within the same element").isFalse();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[\"CONFIRMED\",\"FULFILLED\"]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"note\":[null]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[null]}}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"resources\":[\"arn:x\"]}").matches(CONFIRMED))
                .as("an empty array value matches nothing").isFalse();
    }

    @Test
    void contentFilters() {
        assertThat(EventPattern.parse("{\"detail-type\":[{\"prefix\":\"order.\"}]}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail-type\":[{\"suffix\":\".paid\"}]}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[{\"equals-ignore-case\":\"confirmed\"}]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"orderId\":[{\"exists\":true}]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"refundId\":[{\"exists\":false}]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"refundId\":[{\"exists\":true}]}}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[{\"anything-but\":[\"REJECTED\",\"EXPIRED\"]}]}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[{\"anything-but\":\"CONFIRMED\"}]}}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"detail\":{\"status\":[{\"anything-but\":{\"prefix\":\"CONF\"}}]}}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"detail\":{\"total\":{\"amount\":[{\"numeric\":[\">\",1000,\"<=\",2500]}]}}}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail\":{\"total\":{\"amount\":[{\"numeric\":[\"<\",2500]}]}}}").matches(CONFIRMED)).isFalse();
    }

    @Test
    void wildcardsAndOr_matchAsEventBridgeMatchesThem() {
        assertThat(EventPattern.parse("{\"detail-type\":[{\"wildcard\":\"order.*ed\"}]}").matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"detail-type\":[{\"wildcard\":\"order.*paid\"}]}").matches(CONFIRMED)).isFalse();
        assertThat(EventPattern.parse("{\"$or\":[{\"source\":[\"other\"]},{\"detail\":{\"status\":[\"CONFIRMED\"]}}]}")
                .matches(CONFIRMED)).isTrue();
        assertThat(EventPattern.parse("{\"$or\":[{\"source\":[\"other\"]},{\"detail\":{\"status\":[\"PAID\"]}}]}")
                .matches(CONFIRMED)).isFalse();
    }

    @Test
    void anInvalidPattern_isRefusedWithTheReason() {
        assertThatThrownBy(() -> EventPattern.parse("{\"source\":\"cartwheel.orders\"}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Event pattern is not valid. Reason: ");
        assertThatThrownBy(() -> EventPattern.parse("{\"source\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Empty arrays");
        assertThatThrownBy(() -> EventPattern.parse("{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventPattern.parse("{\"source\":[")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EventPattern.parse("{\"a\":[{\"numeric\":[\">\",\"x\"]}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Event pattern is not valid. Reason: ");
        assertThatThrownBy(() -> EventPattern.parse("{\"source\":[{\"wildcard\":\"order.**\"}]}"))
                .as("consecutive wildcards").isInstanceOf(IllegalArgumentException.class);
    }
}
