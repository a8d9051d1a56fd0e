package dev.cartwheel.local.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cartwheel.emulators.template.SamTemplate;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token buckets of the local API stage, on a clock the test moves. */
class RouteThrottlesTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBucketHoldsItsBurst_refillsAtItsRate_andSaysWhenTheNextTokenComes() {
        AtomicLong now = new AtomicLong(0);
        RouteThrottles throttles = new RouteThrottles(new RouteThrottles.Limits(2, 0.5), Map.of(), now::get);

        assertThat(throttles.acquire("GET /orders").allowed()).isTrue();
        assertThat(throttles.acquire("GET /orders").allowed()).isTrue();
        RouteThrottles.Decision refused = throttles.acquire("GET /orders");
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfterSeconds()).isEqualTo(2);   // one token per 2 s

        now.addAndGet(SECOND);                                   // half a token
        RouteThrottles.Decision stillRefused = throttles.acquire("GET /orders");
        assertThat(stillRefused.allowed()).isFalse();
        assertThat(stillRefused.retryAfterSeconds()).isEqualTo(1);
        now.addAndGet(SECOND);
        assertThat(throttles.acquire("GET /orders").allowed()).isTrue();

        now.addAndGet(3600 * SECOND);                            // never more than the burst
        assertThat(throttles.acquire("GET /orders").allowed()).isTrue();
        assertThat(throttles.acquire("GET /orders").allowed()).isTrue();
        assertThat(throttles.acquire("GET /orders").allowed()).isFalse();
    }

    @Test
    void eachRouteHasItsOwnBucket_andARoutesSettingsOverrideTheDefaultsMemberByMember() {
        AtomicLong now = new AtomicLong(0);
        RouteThrottles throttles = new RouteThrottles(new RouteThrottles.Limits(1, 0.001),
                Map.of("GET /products", new RouteThrottles.Limits(3, null)), now::get);

        assertThat(throttles.limits("GET /products")).isEqualTo(new RouteThrottles.Limits(3, 0.001));
        assertThat(throttles.limits("get /products")).isEqualTo(new RouteThrottles.Limits(3, 0.001));
        assertThat(throttles.limits("POST /orders")).isEqualTo(new RouteThrottles.Limits(1, 0.001));
        for (int i = 0; i < 3; i++) {
            assertThat(throttles.acquire("GET /products").allowed()).isTrue();
        }
        assertThat(throttles.acquire("GET /products").allowed()).isFalse();
        assertThat(throttles.acquire("POST /orders").allowed()).isTrue();
        assertThat(throttles.acquire("POST /orders").allowed()).isFalse();
        assertThat(throttles.acquire("GET /orders").allowed()).as("a bucket of its own").isTrue();
    }

    @Test
    void aStageWithoutSettings_throttlesNothing_andAZeroBurstRefusesEverything() {
        RouteThrottles none = RouteThrottles.none();
        for (int i = 0; i < 1000; i++) {
            assertThat(none.acquire("GET /products").allowed()).isTrue();
        }
        RouteThrottles closed = new RouteThrottles(new RouteThrottles.Limits(0, 10.0), Map.of(), () -> 0);
        assertThat(closed.acquire("GET /products").allowed()).isFalse();
    }

    @Test
    void theTemplatesSettings_areReadFromTheApiAndFromEachEvent_theEventWinning() {
        SamTemplate template = SamTemplate.parse("""
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Burst: {Type: Number, Default: 7}
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefaultRouteSettings: {ThrottlingBurstLimit: !Ref Burst, ThrottlingRateLimit: 5}
                      RouteSettings:
                        "POST /things": {ThrottlingBurstLimit: 4, ThrottlingRateLimit: 2}
                        "GET /things": {ThrottlingBurstLimit: 6}
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x::handleRequest
                      Environment: {Variables: {}}
                      Events:
                        List:
                          Type: HttpApi
                          Properties:
                            ApiId: !Ref Api
                            Path: /things
                            Method: get
                            RouteSettings: {ThrottlingRateLimit: 1}
                """, "test.yaml");
        RouteThrottles throttles = RouteThrottles.fromTemplate(template, "Api", "abc");
        assertThat(throttles.limits("GET /things")).isEqualTo(new RouteThrottles.Limits(6, 1.0));
        assertThat(throttles.limits("POST /things")).isEqualTo(new RouteThrottles.Limits(4, 2.0));
        assertThat(throttles.limits("DELETE /things")).isEqualTo(new RouteThrottles.Limits(7, 5.0));
        assertThat(RouteThrottles.fromTemplate(template.withParameters(Map.of("Burst", "2")), "Api", "abc")
                .limits("DELETE /things")).isEqualTo(new RouteThrottles.Limits(2, 5.0));
    }
}
