package dev.cartwheel.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.core.exceptions.InvalidRequestException;
import dev.cartwheel.core.exceptions.InvalidRequestException.Problem;
import dev.cartwheel.core.pricing.ShopRulesService;
import dev.cartwheel.core.tax.CountryTaxRates;
import dev.cartwheel.core.tax.TaxRate;
import dev.cartwheel.core.tax.TaxRateSet;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code PUT /tax-rates/{country}} (scope {@code inventory/admin}): replaces a country's rates. Rates are decimal
 * strings of percent ({@code "19"}, {@code "8.875"}), never JSON numbers. The scope and the admin group are checked by
 * {@link AdminHandler}.
 */
final class TaxRatesRoute {

    static final String PUT = "PUT /tax-rates/{country}";
    static final int MAX_ENTRIES = 100;

    private final ShopRulesService rules;

    TaxRatesRoute(ShopRulesService rules) {
        this.rules = rules;
    }

    APIGatewayV2HTTPResponse put(APIGatewayV2HTTPEvent event) {
        String country = ShopRulesService.requireCountry(HttpApi.pathParameter(event, "country"), "country");
        RatesBody body = HttpApi.body(event, RatesBody.class);
        Map<String, TaxRateSet> regions = new HashMap<>();
        if (body.regions() != null) {
            if (body.regions().size() > MAX_ENTRIES) {
                throw invalid("/regions", "at most " + MAX_ENTRIES + " regions");
            }
            body.regions().forEach((region, set) -> {
                if (!ShopRulesService.REGION.matcher(region).matches()) {
                    throw invalid("/regions", "a region is the subdivision part of its ISO 3166-2 code, e.g. CA or ON");
                }
                if (set == null) {
                    throw invalid("/regions/" + region, "a region's rates are an object with standard and categories");
                }
                regions.put(region, set.toSet("/regions/" + region));
            });
        }
        CountryTaxRates saved = rules.putTaxRates(new CountryTaxRates(country, body.toSet(""), regions));
        return HttpApi.json(200, json(saved), Map.of("location", "/tax-rates/" + country));
    }

    static ObjectNode json(CountryTaxRates rates) {
        ObjectNode node = setJson(rates.rates()).put("country", rates.country());
        ObjectNode regions = node.putObject("regions");
        rates.regions().forEach((region, set) -> regions.set(region, setJson(set)));
        return node;
    }

    private static ObjectNode setJson(TaxRateSet set) {
        ObjectNode node = Json.mapper().createObjectNode().put("standard", set.standard().percent());
        ObjectNode categories = node.putObject("categories");
        set.categories().forEach((category, rate) -> categories.put(category, rate.percent()));
        return node;
    }

    /** The body of {@code PUT /tax-rates/{country}}: the country's rates and, optionally, its regions'. */
    record RatesBody(String standard, Map<String, String> categories, Map<String, RegionBody> regions) {

        TaxRateSet toSet(String at) {
            return rateSet(standard, categories, at);
        }
    }

    /** A region's rates. */
    record RegionBody(String standard, Map<String, String> categories) {

        TaxRateSet toSet(String at) {
            return rateSet(standard, categories, at);
        }
    }

    private static TaxRateSet rateSet(String standard, Map<String, String> categories, String at) {
        Map<String, TaxRate> parsed = new HashMap<>();
        if (categories != null) {
            if (categories.size() > MAX_ENTRIES) {
                throw invalid(at + "/categories", "at most " + MAX_ENTRIES + " categories");
            }
            categories.forEach((category, rate) -> {
                if (!ShopRulesService.TAX_CATEGORY.matcher(category).matches()) {
                    throw invalid(at + "/categories", "a tax category must match " + ShopRulesService.TAX_CATEGORY.pattern());
                }
                parsed.put(category, rate(rate, at + "/categories/" + category));
            });
        }
        return new TaxRateSet(rate(standard, at + "/standard"), parsed);
    }

    private static TaxRate rate(String percent, String field) {
        try {
            return TaxRate.ofPercent(percent);
        } catch (IllegalArgumentException e) {
            throw invalid(field,
                    "a rate is a string of percent from \"0\" to \"100\" with at most four decimals, e.g. \"19\" or \"8.875\"");
        }
    }

    private static InvalidRequestException invalid(String field, String detail) {
        return new InvalidRequestException(Problem.INVALID_FIELD, field, detail);
    }
}
