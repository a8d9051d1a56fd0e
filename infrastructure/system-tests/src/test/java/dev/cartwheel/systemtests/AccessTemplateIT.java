package dev.cartwheel.systemtests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.emulators.template.FunctionEvent;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * template.yaml against issue 12's access rules: admin routes live only in AdminFunction, which knows the admin group;
 * the customer-facing functions' roles hold no refund or catalog-write rights; the customer index projects no
 * e-mail address or payment token.
 */
class AccessTemplateIT {

    private static final SamTemplate TEMPLATE = SamTemplate.load(Root.path("template.yaml"));
    private static final List<String> WRITES = List.of("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems");

    @Test
    void everyRouteNeedingAnAdminScope_isAdminFunctions_andAdminFunctionHasOnlyThose_andKnowsTheAdminGroup() {
        List<String> adminRoutes = new ArrayList<>();
        for (ServerlessFunction function : TEMPLATE.functions().values()) {
            for (FunctionEvent event : function.events(FunctionEvent.HTTP_API)) {
                String route = event.method().orElseThrow() + " " + event.path().orElseThrow();
                boolean admin = event.authorizationScopes().stream().anyMatch(scope -> scope.endsWith("/admin"));
                if (admin) {
                    adminRoutes.add(route);
                }
                assertThat(function.logicalId()).as(route).isEqualTo(admin ? "AdminFunction" : function.logicalId());
                if (function.logicalId().equals("AdminFunction")) {
                    assertThat(admin).as(route + " of AdminFunction needs an admin scope").isTrue();
                }
            }
        }
        assertThat(adminRoutes).contains("POST /orders/{orderId}/refunds", "POST /orders/{orderId}/fulfilment",
                "PUT /products/{sku}", "POST /products/{sku}/stock-adjustments", "PUT /shipping-methods/{id}",
                "PUT /tax-rates/{country}", "GET /admin/orders");
        assertThat(TEMPLATE.function("AdminFunction").handler()).isEqualTo("dev.cartwheel.admin.AdminHandler::handleRequest");
        assertThat(TEMPLATE.function("AdminFunction").codeUri()).isEqualTo("functions/admin/target/admin.jar");
        assertThat(TEMPLATE.environment("AdminFunction")).containsEntry("ADMIN_GROUP", "cartwheel-admin");
        assertThat(TEMPLATE.withParameters(Map.of("AdminGroup", "ops")).environment("AdminFunction"))
                .containsEntry("ADMIN_GROUP", "ops");
    }

    @Test
    void theCustomerFacingRoles_holdNoRefundOrCatalogWriteRights() {
        String products = arn("ProductsTable");
        String stripeKey = "secretsmanager:GetSecretValue";
        String ledger = arn("StockLedgerTable");
        for (String function : List.of("CheckoutFunction", "CatalogFunction")) {
            List<String[]> grants = grants(function);
            assertThat(grants).as(function + " may not read the payment provider's key (refunds)")
                    .noneMatch(grant -> grant[0].equals(stripeKey));
            assertThat(grants).as(function + " may not write the catalog or the stock ledger")
                    .noneMatch(grant -> (grant[1].equals(products) || grant[1].equals(ledger)) && WRITES.contains(grant[0]));
        }
        assertThat(grants("CatalogFunction")).as("CatalogFunction only reads")
                .allMatch(grant -> List.of("dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem")
                        .contains(grant[0]));
        assertThat(grants("AdminFunction")).as("the admin role holds them")
                .anyMatch(grant -> grant[0].equals(stripeKey))
                .anyMatch(grant -> grant[1].equals(products) && grant[0].equals("dynamodb:UpdateItem"))
                .anyMatch(grant -> grant[1].equals(ledger) && grant[0].equals("dynamodb:PutItem"));
    }

    @Test
    void theByCustomerIndex_projectsOnlyWhatTheListShows() {
        Map<String, Object> orders = TEMPLATE.resolvedProperties("OrdersTable");
        Map<?, ?> index = ((List<?>) orders.get("GlobalSecondaryIndexes")).stream().map(Map.class::cast)
                .filter(i -> "byCustomer".equals(i.get("IndexName"))).findFirst().orElseThrow();
        Map<?, ?> projection = (Map<?, ?>) index.get("Projection");
        assertThat(projection.get("ProjectionType")).isEqualTo("INCLUDE");
        assertThat((List<?>) projection.get("NonKeyAttributes")).map(String::valueOf)
                .containsExactlyInAnyOrder("status", "total")
                .doesNotContain("email", "paymentToken", "lines", "payment");
    }

    @Test
    void maxOpenOrdersPerCustomer_reachesCheckout_defaultFive() {
        assertThat(TEMPLATE.environment("CheckoutFunction")).containsEntry("MAX_OPEN_ORDERS_PER_CUSTOMER", "5");
    }

    /** {action, resolved resource} of every statement of a function's policies. */
    private static List<String[]> grants(String function) {
        List<String[]> grants = new ArrayList<>();
        for (Object policy : (List<?>) TEMPLATE.resolvedProperties(function).get("Policies")) {
            for (Object s : (List<?>) ((Map<?, ?>) policy).get("Statement")) {
                Map<?, ?> statement = (Map<?, ?>) s;
                for (String action : strings(statement.get("Action"))) {
                    for (String resource : strings(statement.get("Resource"))) {
                        grants.add(new String[] {action, resource});
                    }
                }
            }
        }
        assertThat(grants).as(function + " grants").isNotEmpty();
        return grants;
    }

    private static String arn(String table) {
        return String.valueOf(TEMPLATE.resolve(Map.of("Fn::GetAtt", List.of(table, "Arn"))));
    }

    private static List<String> strings(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : List.of(String.valueOf(value));
    }
}
