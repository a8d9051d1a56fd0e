package dev.cartwheel.systemtests;

import dev.cartwheel.emulators.template.SamTemplate;
import dev.cartwheel.emulators.template.ServerlessFunction;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who may write what in the shared idempotency table, from both sides: the template's grants (each statement on the
 * table with its {@code dynamodb:LeadingKeys} patterns) and the code (the adapters a function's composition root builds
 * with {@code IDEMPOTENCY_TABLE}, each declaring the prefix of its keys as {@code IDEMPOTENCY_KEY_PREFIX}). No emulator
 * enforces IAM, so this is how a wrong condition is caught before it breaks production.
 */
final class IdempotencyGrants {

    static final String TABLE = "IdempotencyTable";
    static final String ENVIRONMENT_VARIABLE = "IDEMPOTENCY_TABLE";
    static final String PREFIX_FIELD = "IDEMPOTENCY_KEY_PREFIX";
    static final String LEADING_KEYS = "dynamodb:LeadingKeys";
    private static final Pattern NEW = Pattern.compile("new\\s+([A-Z][A-Za-z0-9_]*)\\s*\\(");

    private IdempotencyGrants() {
    }

    /** One statement of a function's policy on the table: its actions and its LeadingKeys patterns (empty: none). */
    record Grant(List<String> actions, String conditionOperator, List<String> leadingKeys) {
    }

    static String tableArn(SamTemplate template) {
        return String.valueOf(template.resolve(Map.of("Fn::GetAtt", List.of(TABLE, "Arn"))));
    }

    /** The statements of {@code function}'s policies whose resources include the table (or one of its indexes). */
    static List<Grant> grants(SamTemplate template, ServerlessFunction function) {
        String arn = tableArn(template);
        List<Grant> grants = new ArrayList<>();
        Object policies = function.properties().get("Policies");
        if (!(policies instanceof List<?> list)) {
            return grants;
        }
        for (Object policy : list) {
            if (!(policy instanceof Map<?, ?> p) || !(p.get("Statement") instanceof List<?> statements)) {
                continue;
            }
            for (Object s : statements) {
                Map<?, ?> statement = (Map<?, ?>) s;
                if (strings(statement.get("Resource")).stream().noneMatch(r -> r.equals(arn) || r.startsWith(arn + "/"))) {
                    continue;
                }
                String operator = null;
                List<String> keys = List.of();
                if (statement.get("Condition") instanceof Map<?, ?> condition) {
                    for (Map.Entry<?, ?> e : condition.entrySet()) {
                        if (e.getValue() instanceof Map<?, ?> m && m.containsKey(LEADING_KEYS)) {
                            operator = String.valueOf(e.getKey());
                            keys = strings(m.get(LEADING_KEYS));
                        }
                    }
                }
                grants.add(new Grant(strings(statement.get("Action")), operator, keys));
            }
        }
        return grants;
    }

    /**
     * The key prefixes {@code function}'s code writes to the table: the {@code IDEMPOTENCY_KEY_PREFIX} of every class
     * its handler's source instantiates with {@code IDEMPOTENCY_TABLE} among the arguments.
     */
    static Map<String, String> prefixesInCode(ServerlessFunction function) {
        String handlerClass = function.handler().split("::")[0];
        Path module = Root.path(function.codeUri()).getParent().getParent();
        Path source = module.resolve("src/main/java").resolve(handlerClass.replace('.', '/') + ".java");
        String code;
        try {
            code = Files.readString(source);
        } catch (IOException e) {
            throw new AssertionError(function.logicalId() + ": cannot read its handler's source " + source, e);
        }
        Map<String, String> prefixes = new LinkedHashMap<>();
        Matcher m = NEW.matcher(code);
        while (m.find()) {
            String arguments = arguments(code, m.end() - 1);
            if (passesTheTable(arguments) && !nestedConstructionPassesTheTable(arguments)) {
                prefixes.put(m.group(1), prefixOf(m.group(1), code, function));
            }
        }
        return prefixes;
    }

    private static boolean passesTheTable(String arguments) {
        return arguments.contains("\"" + ENVIRONMENT_VARIABLE + "\"");
    }

    /** {@code new Service(new Adapter(..., "IDEMPOTENCY_TABLE"))}: the adapter writes, not the service around it. */
    private static boolean nestedConstructionPassesTheTable(String arguments) {
        Matcher nested = NEW.matcher(arguments);
        while (nested.find()) {
            if (passesTheTable(arguments(arguments, nested.end() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static String prefixOf(String simpleName, String code, ServerlessFunction function) {
        Matcher imported = Pattern.compile("import\\s+([\\w.]+\\." + simpleName + ")\\s*;").matcher(code);
        if (!imported.find()) {
            throw new AssertionError(function.logicalId() + ": cannot find the import of " + simpleName);
        }
        try {
            Field field = Class.forName(imported.group(1)).getField(PREFIX_FIELD);
            return (String) field.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(imported.group(1) + " writes to the idempotency table: it must declare public static "
                    + PREFIX_FIELD + " (the prefix of its keys, which template.yaml grants to " + function.logicalId() + ")", e);
        }
    }

    /** The text between the parenthesis at {@code open} and its match. */
    private static String arguments(String code, int open) {
        int depth = 0;
        for (int i = open; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return code.substring(open + 1, i);
            }
        }
        return code.substring(open + 1);
    }

    /** IAM's StringLike: {@code *} any run of characters, {@code ?} any one, everything else literal. */
    static boolean stringLike(String pattern, String value) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return value.matches(regex.toString());
    }

    /** Whether a grant's LeadingKeys condition admits a key. */
    static boolean admits(Grant grant, String key) {
        return grant.leadingKeys().stream().anyMatch(p -> grant.conditionOperator().endsWith("StringLike")
                ? stringLike(p, key) : p.equals(key));
    }

    static Set<String> allActions(List<Grant> grants) {
        Set<String> actions = new LinkedHashSet<>();
        grants.forEach(g -> actions.addAll(g.actions()));
        return actions;
    }

    private static List<String> strings(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(value));
    }
}
