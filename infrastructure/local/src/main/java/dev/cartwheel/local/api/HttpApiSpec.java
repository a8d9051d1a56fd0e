package dev.cartwheel.local.api;

import dev.cartwheel.local.lambda.FunctionSpec.HttpRoute;

import java.util.List;
import java.util.Map;

/**
 * An AWS::Serverless::HttpApi as the local API Gateway serves it.
 *
 * @param logicalId         the API's logical id
 * @param apiId             the local API id (10 lower-case alphanumerics, like API Gateway's)
 * @param defaultAuthorizer Auth.DefaultAuthorizer, or null
 * @param authorizers       Auth.Authorizers with a JwtConfiguration
 * @param routes            every HttpApi event of every function bound to this API
 */
public record HttpApiSpec(String logicalId, String apiId, String defaultAuthorizer, Map<String, JwtAuthorizer> authorizers,
                          List<Route> routes) {

    public HttpApiSpec {
        authorizers = Map.copyOf(authorizers);
        routes = List.copyOf(routes);
    }

    /** A JWT authorizer: where the token is (IdentitySource) and what it must carry. */
    public record JwtAuthorizer(String name, String identitySource, String issuer, List<String> audiences) {
        public JwtAuthorizer {
            audiences = List.copyOf(audiences);
        }

        /** The request header holding the token ({@code $request.header.Authorization} -> authorization). */
        public String headerName() {
            String src = identitySource == null || identitySource.isBlank() ? "$request.header.Authorization" : identitySource;
            String first = src.split(",")[0].trim();
            return first.startsWith("$request.header.") ? first.substring("$request.header.".length()).toLowerCase(java.util.Locale.ROOT)
                    : "authorization";
        }
    }

    /** A route bound to a function. */
    public record Route(String functionName, HttpRoute route) {
    }
}
