package dev.cartwheel.aws.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.cartwheel.core.checkout.Caller;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The caller's groups and e-mail verification as API Gateway passes the JWT's claims, and the admin check on them. */
class AdminCallerTest {

    static APIGatewayV2HTTPEvent event(Map<String, String> claims) {
        APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT jwt = new APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT();
        jwt.setClaims(claims);
        APIGatewayV2HTTPEvent.RequestContext.Authorizer authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
        authorizer.setJwt(jwt);
        APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setAuthorizer(authorizer);
        return APIGatewayV2HTTPEvent.builder().withRequestContext(context).build();
    }

    static Caller caller(String scope, String groups, String emailVerified) {
        Map<String, String> claims = new HashMap<>(Map.of("sub", "u-1", "email", "u@example.com", "scope", scope));
        if (groups != null) {
            claims.put("cognito:groups", groups);
        }
        if (emailVerified != null) {
            claims.put("email_verified", emailVerified);
        }
        return HttpApi.caller(event(claims));
    }

    @Test
    void groups_areReadFromTheBracketedListApiGatewayMakesOfTheArrayClaim() {
        assertThat(caller("orders/admin", "[staff cartwheel-admin]", null).groups()).containsExactlyInAnyOrder("staff", "cartwheel-admin");
        assertThat(caller("orders/admin", "cartwheel-admin", null).groups()).containsExactly("cartwheel-admin");
        assertThat(caller("orders/admin", "[]", null).groups()).isEmpty();
        assertThat(caller("orders/admin", null, null).groups()).isEmpty();
    }

    @Test
    void anAdminNeedsTheScopeAndTheGroup_neitherAloneIsEnough() {
        assertThatCode(() -> HttpApi.requireAdmin(caller("orders/admin", "[cartwheel-admin]", null), "orders/admin", "cartwheel-admin"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> HttpApi.requireAdmin(caller("orders/admin", null, null), "orders/admin", "cartwheel-admin"))
                .isInstanceOf(HttpApi.ForbiddenException.class).hasMessageContaining("cartwheel-admin");
        assertThatThrownBy(() -> HttpApi.requireAdmin(caller("orders/admin", "[cartwheel-admins]", null), "orders/admin", "cartwheel-admin"))
                .isInstanceOf(HttpApi.ForbiddenException.class);
        assertThatThrownBy(() -> HttpApi.requireAdmin(caller("orders/read", "[cartwheel-admin]", null), "orders/admin", "cartwheel-admin"))
                .isInstanceOf(HttpApi.ForbiddenException.class).hasMessageContaining("scope");
    }

    @Test
    void onlyAnExplicitFalseMarksTheEmailUnverified() {
        assertThat(caller("orders/write", null, "false").emailUnverified()).isTrue();
        assertThat(caller("orders/write", null, "FALSE").emailUnverified()).isTrue();
        assertThat(caller("orders/write", null, "true").emailUnverified()).isFalse();
        assertThat(caller("orders/write", null, null).emailUnverified()).isFalse();
    }
}
