package dev.cartwheel.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cartwheel.aws.json.ApiJson;
import dev.cartwheel.aws.json.Json;
import dev.cartwheel.aws.lambda.HttpApi;
import dev.cartwheel.core.fulfilment.FulfilmentQueue;
import java.util.Map;

/**
 * {@code GET /admin/orders?status=CONFIRMED&limit=&cursor=} (scope {@code orders/admin} and the admin group): the fulfilment queue, oldest
 * first, each order with its lines, shipping method and address. The scope and the admin group are checked by
 * {@link AdminHandler}.
 */
final class AdminOrdersRoute {

    static final String ROUTE = "GET /admin/orders";

    private final FulfilmentQueue queue;

    AdminOrdersRoute(FulfilmentQueue queue) {
        this.queue = queue;
    }

    APIGatewayV2HTTPResponse handle(APIGatewayV2HTTPEvent event) {
        int limit = HttpApi.limit(event, 20, 100);
        FulfilmentQueue.Page page = queue.page(HttpApi.queryParameter(event, "status"),
                HttpApi.queryParameter(event, "cursor"), limit);
        ObjectNode body = Json.mapper().createObjectNode();
        ArrayNode items = body.putArray("items");
        for (FulfilmentQueue.Entry entry : page.items()) {
            ObjectNode item = ApiJson.summary(entry.order());
            ApiJson.addShipping(item, entry.order(), entry.address());
            items.add(item);
        }
        if (page.nextCursor() == null) {
            body.putNull("nextCursor");
        } else {
            body.put("nextCursor", page.nextCursor());
        }
        return HttpApi.json(200, body, Map.of());
    }
}
