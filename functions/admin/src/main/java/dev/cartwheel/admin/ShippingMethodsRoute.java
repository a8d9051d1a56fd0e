package dev.cartwheel.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.money.Money;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.core.shipping.ShippingMethod;
import dev.cartwheel.core.shipping.ShippingZone;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * {@code PUT /shipping-methods/{id}} (scope {@code inventory/admin} and the admin group, checked by
 * {@link AdminHandler}): create or replace a method. {@code GET /shipping-methods} is the catalog function's.
 */
final class ShippingMethodsRoute {

    static final String PUT = "PUT /shipping-methods/{id}";
    static final int MAX_ZONES = 20;
    static final int MAX_COUNTRIES = 250;
    static final long MAX_AMOUNT = 100_000_000L;

    private final ShopRulesService rules;

    ShippingMethodsRoute(ShopRulesService rules) {
        this.rules = rules;
    }

    APIGatewayV2HTTPResponse put(APIGatewayV2HTTPEvent event) {
        String id = HttpApi.pathParameter(event, "id");
        if (id == null || !ShopRulesService.METHOD_ID.matcher(id).matches()) {
            throw new InvalidRequestException(Problem.INVALID_FIELD, "id", "a shipping method id must match "
                    + ShopRulesService.METHOD_ID.pattern());
        }
        ShippingMethod method = rules.putShippingMethod(HttpApi.body(event, MethodBody.class).toMethod(id));
        return HttpApi.json(200, methodJson(method), Map.of("location", "/shipping-methods/" + id));
    }

    static ObjectNode methodJson(ShippingMethod method) {
        ObjectNode node = Json.mapper().createObjectNode().put("id", method.id()).put("name", method.name());
        ArrayNode zones = node.putArray("zones");
        for (ShippingZone zone : method.zones()) {
            ObjectNode z = zones.addObject().put("name", zone.name());
            ArrayNode countries = z.putArray("countries");
            zone.countries().forEach(countries::add);
            z.set("price", ApiJson.money(zone.price()));
        }
        if (method.freeAbove() == null) {
            node.putNull("freeAbove");
        } else {
            node.set("freeAbove", ApiJson.money(method.freeAbove()));
        }
        node.putObject("deliveryEstimate").put("minDays", method.minDays()).put("maxDays", method.maxDays());
        return node;
    }

    /** The body of {@code PUT /shipping-methods/{id}}. */
    record MethodBody(String name, List<ZoneBody> zones, AmountBody freeAbove, EstimateBody deliveryEstimate) {

        ShippingMethod toMethod(String id) {
            CatalogText.require(name, "/name", 100);
            if (zones == null || zones.isEmpty() || zones.size() > MAX_ZONES) {
                throw invalid("/zones", "zones must hold 1 to " + MAX_ZONES + " zones");
            }
            List<ShippingZone> parsed = new ArrayList<>();
            for (int z = 0; z < zones.size(); z++) {
                ZoneBody zone = zones.get(z);
                String at = "/zones/" + z;
                if (zone == null) {
                    throw invalid(at, "a zone is an object with name, countries and price");
                }
                CatalogText.require(zone.name(), at + "/name", 100);
                if (zone.countries() == null || zone.countries().isEmpty() || zone.countries().size() > MAX_COUNTRIES) {
                    throw invalid(at + "/countries", "countries must hold 1 to " + MAX_COUNTRIES + " ISO 3166-1 alpha-2 codes");
                }
                for (int c = 0; c < zone.countries().size(); c++) {
                    ShopRulesService.requireCountry(zone.countries().get(c), at + "/countries/" + c);
                }
                if (new HashSet<>(zone.countries()).size() != zone.countries().size()) {
                    throw invalid(at + "/countries", "a country is listed twice");
                }
                parsed.add(new ShippingZone(zone.name(), new HashSet<>(zone.countries()),
                        amount(zone.price(), at + "/price")));
            }
            if (deliveryEstimate == null || deliveryEstimate.minDays() == null || deliveryEstimate.maxDays() == null
                    || deliveryEstimate.minDays() < 0 || deliveryEstimate.maxDays() > 365
                    || deliveryEstimate.minDays() > deliveryEstimate.maxDays()) {
                throw invalid("/deliveryEstimate", "deliveryEstimate is {minDays, maxDays}, 0 <= minDays <= maxDays <= 365");
            }
            return new ShippingMethod(id, name, parsed, freeAbove == null ? null : amount(freeAbove, "/freeAbove"),
                    deliveryEstimate.minDays(), deliveryEstimate.maxDays());
        }
    }

    /** A zone of a method: its countries and the price to ship there. */
    record ZoneBody(String name, List<String> countries, AmountBody price) {
    }

    /** An amount in integer minor units of an ISO 4217 currency. */
    record AmountBody(Long amount, String currency) {
    }

    /** Business days from order to delivery. */
    record EstimateBody(Integer minDays, Integer maxDays) {
    }

    static Money amount(AmountBody body, String at) {
        if (body == null || body.amount() == null || body.amount() < 0 || body.amount() > MAX_AMOUNT) {
            throw invalid(at + "/amount", "amount must be an integer number of minor units from 0 to " + MAX_AMOUNT);
        }
        try {
            return new Money(body.amount(), body.currency() == null ? "" : body.currency());
        } catch (IllegalArgumentException e) {
            throw invalid(at + "/currency", "currency must be an ISO 4217 code");
        }
    }

    private static InvalidRequestException invalid(String field, String detail) {
        return new InvalidRequestException(Problem.INVALID_FIELD, field, detail);
    }
}
