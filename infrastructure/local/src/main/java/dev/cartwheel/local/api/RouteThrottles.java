package dev.cartwheel.local.api;

import dev.cartwheel.emulators.template.FunctionEvent;
import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The throttling of an HTTP API stage as API Gateway applies it: a token bucket per route, sized and refilled as the
 * route's {@code RouteSettings} say ({@code ThrottlingBurstLimit}, {@code ThrottlingRateLimit} per second), else as
 * the API's {@code DefaultRouteSettings} say; a route with neither is not throttled. Read from the template generically:
 * the API's {@code DefaultRouteSettings} and {@code RouteSettings} (keyed by route key, e.g. {@code GET /products}), and
 * the {@code RouteSettings} of every function's HttpApi event bound to the API, which win (as SAM merges them).
 */
public final class RouteThrottles {

    /** Burst (the bucket's size) and rate (tokens added per second); either may be null (not set). */
    public record Limits(Integer burst, Double rate) {
        static final Limits NONE = new Limits(null, null);

        boolean isSet() {
            return burst != null || rate != null;
        }

        /** Unset values taken from {@code fallback} (route settings override the defaults member by member). */
        Limits orElse(Limits fallback) {
            return new Limits(burst != null ? burst : fallback.burst, rate != null ? rate : fallback.rate);
        }
    }

    /** The decision for one request. */
    public record Decision(boolean allowed, long retryAfterSeconds) {
    }

    private final Limits defaults;
    private final Map<String, Limits> perRoute;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>();
    private final LongSupplier nanoTime;

    public RouteThrottles(Limits defaults, Map<String, Limits> perRoute, LongSupplier nanoTime) {
        this.defaults = defaults == null ? Limits.NONE : defaults;
        this.perRoute = Map.copyOf(perRoute);
        this.nanoTime = nanoTime;
    }

    /** No throttling at all. */
    public static RouteThrottles none() {
        return new RouteThrottles(Limits.NONE, Map.of(), System::nanoTime);
    }

    /** The throttles of the HttpApi {@code apiLogicalId} of a (resolved) template. */
    public static RouteThrottles fromTemplate(SamTemplate template, String apiLogicalId, String apiId) {
        Limits defaults = Limits.NONE;
        Map<String, Limits> perRoute = new LinkedHashMap<>();
        if (template.resource(apiLogicalId).isPresent()) {
            Map<String, Object> props = template.resolvedProperties(apiLogicalId);
            defaults = limits(props.get("DefaultRouteSettings"), apiLogicalId + ".DefaultRouteSettings");
            if (props.get("RouteSettings") instanceof Map<?, ?> routes) {
                routes.forEach((key, value) -> perRoute.put(normalize(String.valueOf(key)),
                        limits(value, apiLogicalId + ".RouteSettings." + key)));
            }
        }
        for (ServerlessFunction f : template.functions().values()) {
            for (FunctionEvent e : f.events(FunctionEvent.HTTP_API)) {
                String eventApi = e.apiId().orElse(null);
                if (eventApi != null && !eventApi.equals(apiLogicalId) && !eventApi.equals(apiId)) {
                    continue;
                }
                Limits own = limits(e.properties().get("RouteSettings"), f.logicalId() + ".Events." + e.name() + ".RouteSettings");
                if (own.isSet()) {
                    String key = e.path().map(p -> "$default".equals(p) ? "$default"
                            : e.method().orElse("ANY") + " " + p).orElse("$default");
                    perRoute.merge(normalize(key), own, Limits::orElse);
                }
            }
        }
        return new RouteThrottles(defaults, perRoute, System::nanoTime);
    }

    /** The limits a route runs under (its own, member by member over the defaults). */
    public Limits limits(String routeKey) {
        return perRoute.getOrDefault(normalize(routeKey), Limits.NONE).orElse(defaults);
    }

    /** Takes a token from the route's bucket, or says how long until one is there. */
    public Decision acquire(String routeKey) {
        Limits limits = limits(routeKey);
        if (!limits.isSet()) {
            return new Decision(true, 0);
        }
        Bucket bucket;
        synchronized (buckets) {
            bucket = buckets.computeIfAbsent(normalize(routeKey), k -> new Bucket(limits, nanoTime.getAsLong()));
        }
        return bucket.acquire(nanoTime.getAsLong());
    }

    private static final class Bucket {
        /** Floating-point slack: a refill that should make exactly one token does. */
        private static final double EPSILON = 1e-9;
        private final double capacity;
        private final double perNano;
        private double tokens;
        private long last;

        Bucket(Limits limits, long now) {
            // API Gateway: a burst without a rate (or a rate without a burst) leaves the other unlimited
            this.capacity = limits.burst() == null ? Double.MAX_VALUE : Math.max(0, limits.burst());
            this.perNano = limits.rate() == null ? Double.MAX_VALUE : Math.max(0, limits.rate()) / 1e9;
            this.tokens = limits.rate() == null ? Double.MAX_VALUE : capacity;
            this.last = now;
        }

        synchronized Decision acquire(long now) {
            if (perNano == Double.MAX_VALUE) {
                return capacity > 0 ? new Decision(true, 0) : new Decision(false, 1);
            }
            tokens = Math.min(capacity, tokens + (now - last) * perNano);
            last = now;
            if (tokens + EPSILON >= 1 && capacity >= 1) {
                tokens = Math.max(0, tokens - 1);
                return new Decision(true, 0);
            }
            double missing = 1 - tokens;
            long seconds = perNano <= 0 || capacity < 1 ? 3600 : (long) Math.ceil(missing / perNano / 1e9);
            return new Decision(false, Math.max(1, Math.min(seconds, 3600)));
        }
    }

    private static Limits limits(Object settings, String where) {
        if (!(settings instanceof Map<?, ?> m)) {
            return Limits.NONE;
        }
        Object burst = m.get("ThrottlingBurstLimit");
        Object rate = m.get("ThrottlingRateLimit");
        try {
            return new Limits(burst == null ? null : (int) Double.parseDouble(String.valueOf(burst)),
                    rate == null ? null : Double.parseDouble(String.valueOf(rate)));
        } catch (NumberFormatException e) {
            throw new IllegalStateException(where + ": not a number: " + e.getMessage(), e);
        }
    }

    /** {@code get /products} and {@code GET /products} are one route key. */
    private static String normalize(String routeKey) {
        int space = routeKey.indexOf(' ');
        return space < 0 ? routeKey : routeKey.substring(0, space).toUpperCase(Locale.ROOT) + routeKey.substring(space);
    }

    @Override
    public String toString() {
        return "RouteThrottles[default " + defaults + ", " + perRoute + "]";
    }
}
