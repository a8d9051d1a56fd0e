package dev.cartwheel.emulators.template;

import static dev.cartwheel.emulators.template.SamTemplate.DYNAMODB_TABLE;
import static dev.cartwheel.emulators.template.SamTemplate.EVENT_BUS;
import static dev.cartwheel.emulators.template.SamTemplate.SECRETS_MANAGER_SECRET;
import static dev.cartwheel.emulators.template.SamTemplate.SERVERLESS_FUNCTION;
import static dev.cartwheel.emulators.template.SamTemplate.SQS_QUEUE;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's intrinsic functions and pseudo parameters over one {@link SamTemplate}: {@code Ref},
 * {@code Fn::GetAtt}, {@code Fn::Sub}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split}, {@code Fn::If},
 * {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or}, {@code Condition}, {@code Fn::FindInMap},
 * {@code Fn::Base64}, {@code Fn::GetAZs}, {@code Fn::Length} ({@code Fn::ImportValue} is kept unresolved), in their
 * long form as {@link CfnYaml} reads them. {@code Ref} and {@code Fn::GetAtt} of a resource go through the template's
 * {@link ResourceLookup}, falling back to placeholders: {@code Ref} gives the logical id (for a secret, whose
 * {@code Ref} is its ARN in CloudFormation, an ARN made of the logical id), {@code GetAtt X.Arn} an ARN made of the
 * logical id.
 */
final class Intrinsics {

    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final SamTemplate template;
    private final String source;
    private final String region;
    private final String accountId;
    private final String stackName;
    private final ResourceLookup lookup;
    private final Map<String, TemplateResource> allResources;

    Intrinsics(SamTemplate template) {
        this.template = template;
        this.source = template.source();
        this.region = template.region();
        this.accountId = template.accountId();
        this.stackName = template.stackName();
        this.lookup = template.resourceLookup();
        this.allResources = template.allResources();
    }

    /** Resolves a template fragment; {@code AWS::NoValue} becomes {@code null} (and drops out of maps and lists). */
    Object resolve(Object node) {
        Object value = eval(node);
        return value == NO_VALUE ? null : value;
    }

    /** Adds to {@code found} the logical ids a fragment refers to (Ref, GetAtt, Sub), parameters and pseudo parameters included. */
    static void references(Object node, Set<String> found) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                Object value = only.getValue();
                if (key.equals("Ref") && value instanceof String s) {
                    found.add(s);
                } else if (key.equals("Fn::GetAtt")) {
                    if (value instanceof String s) {
                        found.add(s.split("\\.", 2)[0]);
                    } else if (value instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof String s) {
                        found.add(s);
                    }
                } else if (key.equals("Fn::Sub")) {
                    Object text = value instanceof List<?> l && !l.isEmpty() ? l.get(0) : value;
                    if (text instanceof String s) {
                        Matcher m = SUB_VARIABLE.matcher(s);
                        while (m.find()) {
                            found.add(m.group(1).strip().split("\\.", 2)[0]);
                        }
                    }
                }
            }
            map.values().forEach(v -> references(v, found));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> references(v, found));
        }
    }

    private Object eval(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                Map.Entry<?, ?> only = map.entrySet().iterator().next();
                String key = String.valueOf(only.getKey());
                if (key.equals("Ref") || key.startsWith("Fn::")
                        || (key.equals("Condition") && only.getValue() instanceof String)) {
                    return intrinsic(key, only.getValue());
                }
            }
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                Object resolved = eval(v);
                if (resolved != NO_VALUE) {
                    out.put(String.valueOf(k), resolved);
                }
            });
            return out;
        }
        if (node instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                Object resolved = eval(item);
                if (resolved != NO_VALUE) {
                    out.add(resolved);
                }
            }
            return out;
        }
        return node;
    }

    private Object intrinsic(String function, Object argument) {
        return switch (function) {
            case "Ref" -> ref(Yamls.stringify(eval(argument)));
            case "Condition" -> template.condition((String) argument);
            case "Fn::GetAtt" -> getAtt(argument);
            case "Fn::Sub" -> sub(argument);
            case "Fn::Join" -> {
                List<Object> args = args(function, argument, 2);
                List<String> parts = new ArrayList<>();
                for (Object part : Yamls.asList(eval(args.get(1)), "Fn::Join list")) {
                    parts.add(Yamls.stringify(part));
                }
                yield String.join(Yamls.stringify(eval(args.get(0))), parts);
            }
            case "Fn::Select" -> {
                List<Object> args = args(function, argument, 2);
                int index = Yamls.toInt(eval(args.get(0)), "Fn::Select index");
                List<Object> list = Yamls.asList(eval(args.get(1)), "Fn::Select list");
                if (index < 0 || index >= list.size()) {
                    throw new TemplateException("Fn::Select index " + index + " out of " + list);
                }
                yield list.get(index);
            }
            case "Fn::Split" -> {
                List<Object> args = args(function, argument, 2);
                String delimiter = Yamls.stringify(eval(args.get(0)));
                String text = Yamls.stringify(eval(args.get(1)));
                yield new ArrayList<Object>(List.of(text.split(Pattern.quote(delimiter), -1)));
            }
            case "Fn::If" -> {
                List<Object> args = args(function, argument, 3);
                String name = Yamls.stringify(args.get(0));
                yield eval(template.condition(name) ? args.get(1) : args.get(2));
            }
            case "Fn::Equals" -> {
                List<Object> args = args(function, argument, 2);
                yield comparable(eval(args.get(0))).equals(comparable(eval(args.get(1))));
            }
            case "Fn::Not" -> !Yamls.toBoolean(eval(args(function, argument, 1).get(0)), "Fn::Not");
            case "Fn::And" -> {
                boolean all = true;
                for (Object c : Yamls.asList(argument, function)) {
                    all &= Yamls.toBoolean(eval(c), function);
                }
                yield all;
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (Object c : Yamls.asList(argument, function)) {
                    any |= Yamls.toBoolean(eval(c), function);
                }
                yield any;
            }
            case "Fn::FindInMap" -> findInMap(Yamls.asList(argument, function));
            case "Fn::Base64" -> Base64.getEncoder().encodeToString(
                    Yamls.stringify(eval(argument)).getBytes(StandardCharsets.UTF_8));
            case "Fn::ImportValue" -> {
                // Cross-stack: nothing to import from locally; kept as an unresolved marker.
                Map<String, Object> unresolved = new LinkedHashMap<>();
                unresolved.put(function, eval(argument));
                yield unresolved;
            }
            case "Fn::GetAZs" -> new ArrayList<Object>(List.of(region + "a", region + "b", region + "c"));
            case "Fn::Length" -> Yamls.asList(eval(argument), function).size();
            default -> throw new TemplateException(source + ": unsupported intrinsic function " + function);
        };
    }

    private static Object comparable(Object value) {
        return value instanceof List<?> || value instanceof Map<?, ?> ? value : Yamls.stringify(value);
    }

    private static List<Object> args(String function, Object argument, int count) {
        List<Object> args = Yamls.asList(argument, function);
        if (args.size() != count) {
            throw new TemplateException(function + " takes " + count + " arguments, got " + args);
        }
        return args;
    }

    private Object ref(String name) {
        switch (name) {
            case "AWS::Region":
                return region;
            case "AWS::AccountId":
                return accountId;
            case "AWS::StackName":
                return stackName;
            case "AWS::StackId":
                return "arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + stackName
                        + "/00000000-0000-0000-0000-000000000000";
            case "AWS::Partition":
                return "aws";
            case "AWS::URLSuffix":
                return "amazonaws.com";
            case "AWS::NoValue":
                return NO_VALUE;
            case "AWS::NotificationARNs":
                return new ArrayList<>();
            default:
                break;
        }
        if (template.parameters().containsKey(name)) {
            return template.parameterValue(name);
        }
        TemplateResource resource = allResources.get(name);
        if (resource == null) {
            throw new TemplateException(source + ": Ref to unknown parameter or resource " + name);
        }
        return lookup.ref(name).orElseGet(() -> placeholderRef(resource));
    }

    /** What {@code Ref} of a resource not provisioned gives: the logical id, or an ARN where Ref is the ARN. */
    private String placeholderRef(TemplateResource resource) {
        return resource.is(SECRETS_MANAGER_SECRET) ? placeholderSecretArn(resource.logicalId()) : resource.logicalId();
    }

    private String placeholderSecretArn(String logicalId) {
        return "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + logicalId;
    }

    private Object getAtt(Object argument) {
        String logicalId;
        String attribute;
        if (argument instanceof String s) {
            int dot = s.indexOf('.');
            if (dot <= 0) {
                throw new TemplateException(source + ": Fn::GetAtt needs Resource.Attribute, got " + s);
            }
            logicalId = s.substring(0, dot);
            attribute = s.substring(dot + 1);
        } else {
            List<Object> args = args("Fn::GetAtt", argument, 2);
            logicalId = Yamls.stringify(eval(args.get(0)));
            attribute = Yamls.stringify(eval(args.get(1)));
        }
        return attribute(logicalId, attribute);
    }

    private Object attribute(String logicalId, String attribute) {
        TemplateResource resource = allResources.get(logicalId);
        if (resource == null) {
            throw new TemplateException(source + ": Fn::GetAtt of unknown resource " + logicalId);
        }
        return lookup.attribute(logicalId, attribute).orElseGet(() -> placeholderAttribute(resource, attribute));
    }

    private Object placeholderAttribute(TemplateResource resource, String attribute) {
        String id = resource.logicalId();
        String[] type = resource.type().split("::");
        String service = type.length > 1 ? type[1].toLowerCase(Locale.ROOT) : "unknown";
        return switch (resource.type() + "." + attribute) {
            case SQS_QUEUE + ".Arn" -> "arn:aws:sqs:" + region + ":" + accountId + ":" + id;
            case SQS_QUEUE + ".QueueName" -> id;
            case SQS_QUEUE + ".QueueUrl" -> "https://sqs." + region + ".amazonaws.com/" + accountId + "/" + id;
            case DYNAMODB_TABLE + ".Arn" -> "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + id;
            case DYNAMODB_TABLE + ".StreamArn" ->
                    "arn:aws:dynamodb:" + region + ":" + accountId + ":table/" + id + "/stream/local";
            case EVENT_BUS + ".Arn" -> "arn:aws:events:" + region + ":" + accountId + ":event-bus/" + id;
            case EVENT_BUS + ".Name" -> id;
            case SECRETS_MANAGER_SECRET + ".Id" -> placeholderSecretArn(id);
            case SERVERLESS_FUNCTION + ".Arn" -> "arn:aws:lambda:" + region + ":" + accountId + ":function:" + id;
            default -> attribute.equals("Arn")
                    ? "arn:aws:" + service + ":" + region + ":" + accountId + ":" + id
                    : id + "." + attribute;
        };
    }

    private Object sub(Object argument) {
        String text;
        Map<String, Object> variables = new HashMap<>();
        if (argument instanceof String s) {
            text = s;
        } else {
            List<Object> args = args("Fn::Sub", argument, 2);
            text = Yamls.stringify(args.get(0));
            Yamls.asMap(args.get(1), "Fn::Sub variables").forEach((k, v) -> variables.put(k, eval(v)));
        }
        Matcher m = SUB_VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1).strip();
            String replacement;
            if (name.startsWith("!")) {
                replacement = "${" + name.substring(1) + "}";
            } else if (variables.containsKey(name)) {
                replacement = Yamls.stringify(variables.get(name));
            } else if (name.contains(".") && !name.startsWith("AWS::")) {
                int dot = name.indexOf('.');
                replacement = Yamls.stringify(attribute(name.substring(0, dot), name.substring(dot + 1)));
            } else {
                Object value = ref(name);
                if (value == NO_VALUE) {
                    throw new TemplateException(source + ": AWS::NoValue in Fn::Sub: " + text);
                }
                replacement = Yamls.stringify(value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private Object findInMap(List<Object> args) {
        if (args.size() < 3 || args.size() > 4) {
            throw new TemplateException("Fn::FindInMap takes 3 arguments, got " + args);
        }
        String mapName = Yamls.stringify(eval(args.get(0)));
        String top = Yamls.stringify(eval(args.get(1)));
        String second = Yamls.stringify(eval(args.get(2)));
        Map<String, Object> mappings = Yamls.asMap(template.section("Mappings"), "Mappings");
        Map<String, Object> map = Yamls.asMapOrNull(mappings.get(mapName));
        Map<String, Object> level = map == null ? null : Yamls.asMapOrNull(map.get(top));
        if (level == null || !level.containsKey(second)) {
            if (args.size() == 4) {
                return eval(Yamls.asMap(args.get(3), "Fn::FindInMap default").get("DefaultValue"));
            }
            throw new TemplateException(source + ": Fn::FindInMap found nothing at " + mapName + "/" + top + "/" + second);
        }
        return eval(level.get(second));
    }
}
