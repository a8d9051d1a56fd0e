package dev.cartwheel.emulators.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers for the plain Map/List/scalar trees SnakeYAML gives. */
public final class Yamls {

    private Yamls() {
    }

    public static <K, V> Map<K, V> immutableCopy(Map<K, V> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> asMapOrNull(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    public static Map<String, Object> asMap(Object value, String what) {
        if (value == null) {
            return Map.of();
        }
        Map<String, Object> map = asMapOrNull(value);
        if (map == null) {
            throw new TemplateException(what + " must be a mapping, got: " + value);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    public static List<Object> asList(Object value, String what) {
        if (value instanceof List<?> l) {
            return (List<Object>) l;
        }
        throw new TemplateException(what + " must be a list, got: " + value);
    }

    /** A list of mappings (e.g. a table's AttributeDefinitions); empty when {@code value} is null. */
    public static List<Map<String, Object>> mapList(Object value, String what) {
        if (value == null) {
            return List.of();
        }
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Object item : asList(value, what)) {
            maps.add(asMap(item, what + " item"));
        }
        return maps;
    }

    public static List<String> stringList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Yamls::stringify).toList();
        }
        return List.of(stringify(value));
    }

    /** A scalar as CloudFormation would write it into a string. */
    public static String stringify(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d && d == Math.rint(d) && !Double.isInfinite(d)) {
            return Long.toString(d.longValue());
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value == null) {
            return "";
        }
        throw new TemplateException("expected a scalar, got: " + value);
    }

    public static int toInt(Object value, String what) {
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(stringify(value).trim());
        } catch (NumberFormatException e) {
            throw new TemplateException(what + " must be a number, got: " + value, e);
        }
    }

    public static boolean toBoolean(Object value, String what) {
        if (value instanceof Boolean b) {
            return b;
        }
        String s = stringify(value).trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new TemplateException(what + " must be a boolean, got: " + value);
    }

    /** A mutable deep copy of a YAML tree. */
    @SuppressWarnings("unchecked")
    public static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> m) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            l.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }
}
