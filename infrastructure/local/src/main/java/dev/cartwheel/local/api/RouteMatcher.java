package dev.cartwheel.local.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway HTTP API route selection: the most specific matching route wins (literal segments before
 * {@code {param}}, {@code {param}} before greedy {@code {proxy+}}), a method-specific route before {@code ANY},
 * {@code $default} last.
 */
final class RouteMatcher {

    record Match(HttpApiSpec.Route route, Map<String, String> pathParameters) {
    }

    private final List<HttpApiSpec.Route> routes;

    RouteMatcher(List<HttpApiSpec.Route> routes) {
        this.routes = routes;
    }

    Optional<Match> match(String method, String decodedPath) {
        List<String> segments = split(decodedPath);
        List<Candidate> candidates = new ArrayList<>();
        HttpApiSpec.Route fallback = null;
        for (HttpApiSpec.Route r : routes) {
            String path = r.route().path();
            if ("$default".equals(path)) {
                fallback = r;
                continue;
            }
            String m = r.route().method().toUpperCase(Locale.ROOT);
            if (!m.equals("ANY") && !m.equals("X-AMAZON-APIGATEWAY-ANY-METHOD") && !m.equals(method.toUpperCase(Locale.ROOT))) {
                continue;
            }
            Map<String, String> params = new LinkedHashMap<>();
            int[] score = matchPath(split(path), segments, params);
            if (score != null) {
                candidates.add(new Candidate(r, params, score[0], score[1], m.equals("ANY") ? 0 : 1));
            }
        }
        Optional<Match> best = candidates.stream()
                .max(Comparator.comparingInt(Candidate::literals).thenComparingInt(c -> -c.greedy()).thenComparingInt(Candidate::methodSpecific))
                .map(c -> new Match(c.route(), c.params()));
        if (best.isEmpty() && fallback != null) {
            return Optional.of(new Match(fallback, Map.of()));
        }
        return best;
    }

    private record Candidate(HttpApiSpec.Route route, Map<String, String> params, int literals, int greedy, int methodSpecific) {
    }

    private static int[] matchPath(List<String> pattern, List<String> segments, Map<String, String> params) {
        int literals = 0;
        for (int i = 0; i < pattern.size(); i++) {
            String p = pattern.get(i);
            if (p.startsWith("{") && p.endsWith("+}")) {
                if (i >= segments.size()) {
                    return null;
                }
                params.put(p.substring(1, p.length() - 2), String.join("/", segments.subList(i, segments.size())));
                return new int[]{literals, 1};
            }
            if (i >= segments.size()) {
                return null;
            }
            if (p.startsWith("{") && p.endsWith("}")) {
                params.put(p.substring(1, p.length() - 1), segments.get(i));
            } else if (p.equals(segments.get(i))) {
                literals++;
            } else {
                return null;
            }
        }
        return pattern.size() == segments.size() ? new int[]{literals, 0} : null;
    }

    private static List<String> split(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }
}
