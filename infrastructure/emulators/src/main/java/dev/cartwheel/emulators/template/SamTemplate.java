package dev.cartwheel.emulators.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS SAM / CloudFormation template read from YAML, resolving parameters, pseudo parameters, conditions and
 * intrinsic functions (short and long forms). Immutable: the {@code with...} methods return a new template.
 *
 * <p>{@code Ref} and {@code Fn::GetAtt} of resources go through a {@link ResourceLookup}; once the resources are
 * provisioned ({@code Provisioner}) the lookup gives their real names, URLs and ARNs. Without a physical resource the
 * template falls back to placeholders: {@code Ref} gives the logical id (for a secret, whose {@code Ref} is its ARN in
 * CloudFormation, an ARN made of the logical id), {@code GetAtt X.Arn} an ARN made of the logical id.
 */
public final class SamTemplate {

    public static final String SERVERLESS_FUNCTION = "AWS::Serverless::Function";
    public static final String DYNAMODB_TABLE = "AWS::DynamoDB::Table";
    public static final String SQS_QUEUE = "AWS::SQS::Queue";
    public static final String SES_EMAIL_IDENTITY = "AWS::SES::EmailIdentity";
    public static final String EVENT_BUS = "AWS::Events::EventBus";
    public static final String EVENT_RULE = "AWS::Events::Rule";
    public static final String SECRETS_MANAGER_SECRET = "AWS::SecretsManager::Secret";
    public static final String DEFAULT_REGION = "us-east-1";
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";
    public static final String DEFAULT_STACK_NAME = "cartwheel";

    private static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "AWS::NoValue";
        }
    };
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    private final String source;
    private final Map<String, Object> document;
    private final Map<String, TemplateParameter> parameters;
    private final Map<String, String> parameterOverrides;
    private final String region;
    private final String accountId;
    private final String stackName;
    private final ResourceLookup lookup;
    private final Map<String, TemplateResource> allResources;
    private final Map<String, Boolean> conditionCache = new HashMap<>();
    private final Set<String> conditionsInProgress = new LinkedHashSet<>();

    private SamTemplate(String source, Map<String, Object> document, Map<String, String> parameterOverrides,
                        String region, String accountId, String stackName, ResourceLookup lookup) {
        this.source = source;
        this.document = document;
        this.parameterOverrides = Map.copyOf(parameterOverrides);
        this.region = region;
        this.accountId = accountId;
        this.stackName = stackName;
        this.lookup = lookup;
        this.parameters = readParameters(document);
        this.allResources = readResources(document);
        for (String name : this.parameterOverrides.keySet()) {
            TemplateParameter declared = parameters.get(name);
            if (declared == null) {
                throw new TemplateException(source + ": no parameter " + name + " to override");
            }
            checkAllowed(declared, this.parameterOverrides.get(name));
        }
    }

    // ---------------------------------------------------------------------------------------------- loading

    public static SamTemplate load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new TemplateException("cannot read template " + file + ": " + e.getMessage(), e);
        }
    }

    public static SamTemplate parse(String yaml, String sourceName) {
        Object root = CfnYaml.load(yaml, sourceName);
        Map<String, Object> document = Yamls.asMapOrNull(root);
        if (document == null || !(document.get("Resources") instanceof Map<?, ?>)) {
            throw new TemplateException(sourceName + " is not a template: no Resources mapping");
        }
        return new SamTemplate(sourceName, document, Map.of(), DEFAULT_REGION, DEFAULT_ACCOUNT_ID, DEFAULT_STACK_NAME,
                ResourceLookup.NONE);
    }

    /** Overrides parameter values (on top of the previous overrides); checked against AllowedValues. */
    public SamTemplate withParameters(Map<String, String> overrides) {
        Map<String, String> merged = new HashMap<>(parameterOverrides);
        merged.putAll(overrides);
        return new SamTemplate(source, document, merged, region, accountId, stackName, lookup);
    }

    public SamTemplate withRegion(String newRegion) {
        return new SamTemplate(source, document, parameterOverrides, newRegion, accountId, stackName, lookup);
    }

    public SamTemplate withAccountId(String newAccountId) {
        return new SamTemplate(source, document, parameterOverrides, region, newAccountId, stackName, lookup);
    }

    public SamTemplate withStackName(String newStackName) {
        return new SamTemplate(source, document, parameterOverrides, region, accountId, newStackName, lookup);
    }

    /** Resolves Ref/GetAtt of resources through {@code resources} (e.g. {@code ProvisionedResources}). */
    public SamTemplate withResources(ResourceLookup resources) {
        return new SamTemplate(source, document, parameterOverrides, region, accountId, stackName,
                Objects.requireNonNull(resources));
    }

    // ---------------------------------------------------------------------------------------------- model

    public String source() {
        return source;
    }

    public String region() {
        return region;
    }

    public String accountId() {
        return accountId;
    }

    public String stackName() {
        return stackName;
    }

    public ResourceLookup resourceLookup() {
        return lookup;
    }

    public Optional<String> description() {
        return Optional.ofNullable(document.get("Description")).map(Yamls::stringify).map(String::strip);
    }

    public Map<String, TemplateParameter> parameters() {
        return parameters;
    }

    /**
     * Every parameter's value: the override, else the Default (a {@code List<String>} for list types). A parameter
     * with neither (one a deployment must name, e.g. {@code JwtIssuer}) is left out; a {@code Ref} to it fails.
     */
    public Map<String, Object> parameterValues() {
        Map<String, Object> values = new LinkedHashMap<>();
        for (String name : parameters.keySet()) {
            if (parameterOverrides.containsKey(name) || parameters.get(name).defaultValue() != null) {
                values.put(name, parameterValue(name));
            }
        }
        return Collections.unmodifiableMap(values);
    }

    /** The resources whose Condition (if any) holds, by logical id in template order. */
    public Map<String, TemplateResource> resources() {
        Map<String, TemplateResource> active = new LinkedHashMap<>();
        allResources.forEach((id, resource) -> {
            if (resource.condition() == null || condition(resource.condition())) {
                active.put(id, resource);
            }
        });
        return Collections.unmodifiableMap(active);
    }

    public List<TemplateResource> resources(String type) {
        return resources().values().stream().filter(r -> r.is(type)).toList();
    }

    public Optional<TemplateResource> resource(String logicalId) {
        return Optional.ofNullable(resources().get(logicalId));
    }

    /** The value of a named condition of the Conditions section. */
    public synchronized boolean condition(String name) {
        Boolean cached = conditionCache.get(name);
        if (cached != null) {
            return cached;
        }
        Map<String, Object> conditions = Yamls.asMap(document.get("Conditions"), "Conditions");
        if (!conditions.containsKey(name)) {
            throw new TemplateException(source + ": no condition " + name);
        }
        if (!conditionsInProgress.add(name)) {
            throw new TemplateException(source + ": condition " + name + " refers to itself: " + conditionsInProgress);
        }
        try {
            boolean value = Yamls.toBoolean(resolve(conditions.get(name)), "condition " + name);
            conditionCache.put(name, value);
            return value;
        } finally {
            conditionsInProgress.remove(name);
        }
    }

    /** The resolved Properties of a resource. */
    public Map<String, Object> resolvedProperties(String logicalId) {
        TemplateResource resource = resource(logicalId)
                .orElseThrow(() -> new TemplateException(source + ": no (active) resource " + logicalId));
        Map<String, Object> resolved = Yamls.asMap(resolve(resource.properties()), logicalId + ".Properties");
        return Collections.unmodifiableMap(resolved);
    }

    /** Every {@code AWS::Serverless::Function}, Globals merged and resolved. */
    public Map<String, ServerlessFunction> functions() {
        Map<String, ServerlessFunction> functions = new LinkedHashMap<>();
        for (TemplateResource resource : resources(SERVERLESS_FUNCTION)) {
            functions.put(resource.logicalId(), function(resource.logicalId()));
        }
        return Collections.unmodifiableMap(functions);
    }

    public ServerlessFunction function(String logicalId) {
        TemplateResource resource = resource(logicalId)
                .orElseThrow(() -> new TemplateException(source + ": no function " + logicalId));
        if (!resource.is(SERVERLESS_FUNCTION)) {
            throw new TemplateException(source + ": " + logicalId + " is a " + resource.type() + ", not a function");
        }
        Map<String, Object> props = resolvedProperties(logicalId);
        Map<String, String> environment = new LinkedHashMap<>();
        Map<String, Object> variables = Yamls.asMap(
                Yamls.asMap(props.get("Environment"), logicalId + ".Environment").get("Variables"),
                logicalId + ".Environment.Variables");
        variables.forEach((k, v) -> environment.put(k, Yamls.stringify(v)));
        Map<String, FunctionEvent> events = new LinkedHashMap<>();
        Yamls.asMap(props.get("Events"), logicalId + ".Events").forEach((name, event) -> {
            Map<String, Object> e = Yamls.asMap(event, logicalId + ".Events." + name);
            events.put(name, new FunctionEvent(name, Yamls.stringify(e.get("Type")),
                    Yamls.asMap(e.get("Properties"), logicalId + ".Events." + name + ".Properties")));
        });
        Object codeUri = props.get("CodeUri");
        return new ServerlessFunction(logicalId,
                props.get("Handler") == null ? null : Yamls.stringify(props.get("Handler")),
                codeUri == null ? null : codeUri instanceof Map<?, ?> ? codeUri.toString() : Yamls.stringify(codeUri),
                props.get("Runtime") == null ? null : Yamls.stringify(props.get("Runtime")),
                props.get("MemorySize") == null ? ServerlessFunction.DEFAULT_MEMORY_SIZE
                        : Yamls.toInt(props.get("MemorySize"), logicalId + ".MemorySize"),
                props.get("Timeout") == null ? ServerlessFunction.DEFAULT_TIMEOUT
                        : Yamls.toInt(props.get("Timeout"), logicalId + ".Timeout"),
                props.get("ReservedConcurrentExecutions") == null ? null
                        : Yamls.toInt(props.get("ReservedConcurrentExecutions"), logicalId + ".ReservedConcurrentExecutions"),
                environment, events, props);
    }

    /** The resolved environment variables of a function. */
    public Map<String, String> environment(String functionLogicalId) {
        return function(functionLogicalId).environment();
    }

    /** The resolved Outputs' values (outputs whose Condition fails are left out). */
    public Map<String, Object> outputs() {
        Map<String, Object> outputs = new LinkedHashMap<>();
        Yamls.asMap(document.get("Outputs"), "Outputs").forEach((name, output) -> {
            Map<String, Object> o = Yamls.asMap(output, "Outputs." + name);
            if (o.get("Condition") == null || condition(Yamls.stringify(o.get("Condition")))) {
                outputs.put(name, resolve(o.get("Value")));
            }
        });
        return Collections.unmodifiableMap(outputs);
    }

    /** The logical ids of other resources a resource refers to (Ref, GetAtt, Sub, DependsOn). */
    public Set<String> dependencies(String logicalId) {
        TemplateResource resource = allResources.get(logicalId);
        if (resource == null) {
            throw new TemplateException(source + ": no resource " + logicalId);
        }
        Set<String> found = new LinkedHashSet<>(resource.dependsOn());
        collectReferences(resource.properties(), found);
        found.retainAll(allResources.keySet());
        found.remove(logicalId);
        return found;
    }

    // ---------------------------------------------------------------------------------------------- resolution

    /** Resolves any template fragment (long-form intrinsics, as the YAML reader produces them). */
    public Object resolve(Object node) {
        Object value = eval(node);
        return value == NO_VALUE ? null : value;
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
            case "Condition" -> condition((String) argument);
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
                yield eval(condition(name) ? args.get(1) : args.get(2));
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
        if (parameters.containsKey(name)) {
            return parameterValue(name);
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
        Map<String, Object> mappings = Yamls.asMap(document.get("Mappings"), "Mappings");
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

    private Object parameterValue(String name) {
        TemplateParameter parameter = parameters.get(name);
        String value = parameterOverrides.containsKey(name) ? parameterOverrides.get(name) : parameter.defaultValue();
        if (value == null) {
            throw new TemplateException(source + ": parameter " + name + " has no Default and no value was given");
        }
        if (parameter.isList()) {
            List<Object> items = new ArrayList<>();
            for (String item : value.split(",", -1)) {
                items.add(item.strip());
            }
            return items;
        }
        return value;
    }

    private void checkAllowed(TemplateParameter parameter, String value) {
        if (!parameter.allowedValues().isEmpty() && !parameter.allowedValues().contains(value)) {
            throw new TemplateException(source + ": " + value + " is not an allowed value of " + parameter.name()
                    + " " + parameter.allowedValues());
        }
    }

    // ---------------------------------------------------------------------------------------------- reading

    private static Map<String, TemplateParameter> readParameters(Map<String, Object> document) {
        Map<String, TemplateParameter> parameters = new LinkedHashMap<>();
        Yamls.asMap(document.get("Parameters"), "Parameters").forEach((name, declaration) -> {
            Map<String, Object> d = Yamls.asMap(declaration, "Parameters." + name);
            Object defaultValue = d.get("Default");
            String defaultString = defaultValue instanceof List<?> l
                    ? String.join(",", Yamls.stringList(l))
                    : defaultValue == null ? null : Yamls.stringify(defaultValue);
            parameters.put(name, new TemplateParameter(name,
                    d.get("Type") == null ? "String" : Yamls.stringify(d.get("Type")),
                    d.get("Description") == null ? "" : Yamls.stringify(d.get("Description")).strip(),
                    defaultString, Yamls.stringList(d.get("AllowedValues"))));
        });
        return Collections.unmodifiableMap(parameters);
    }

    private static Map<String, TemplateResource> readResources(Map<String, Object> document) {
        Map<String, Object> globals = Yamls.asMap(document.get("Globals"), "Globals");
        Map<String, TemplateResource> resources = new LinkedHashMap<>();
        Yamls.asMap(document.get("Resources"), "Resources").forEach((id, declaration) -> {
            Map<String, Object> d = Yamls.asMap(declaration, "Resources." + id);
            Object type = d.get("Type");
            if (type == null) {
                throw new TemplateException("resource " + id + " has no Type");
            }
            String typeName = Yamls.stringify(type);
            Map<String, Object> properties = Yamls.deepCopy(Yamls.asMap(d.get("Properties"), id + ".Properties"));
            String globalsSection = switch (typeName) {
                case SERVERLESS_FUNCTION -> "Function";
                case "AWS::Serverless::HttpApi" -> "HttpApi";
                case "AWS::Serverless::Api" -> "Api";
                case "AWS::Serverless::SimpleTable" -> "SimpleTable";
                default -> null;
            };
            if (globalsSection != null && globals.get(globalsSection) != null) {
                properties = mergeGlobals(Yamls.asMap(globals.get(globalsSection), "Globals." + globalsSection),
                        properties);
            }
            resources.put(id, new TemplateResource(id, typeName, properties, Yamls.stringList(d.get("DependsOn")),
                    d.get("Condition") == null ? null : Yamls.stringify(d.get("Condition"))));
        });
        return Collections.unmodifiableMap(resources);
    }

    /** SAM Globals: the resource's own properties win, except Environment.Variables, merged key by key. */
    private static Map<String, Object> mergeGlobals(Map<String, Object> globals, Map<String, Object> own) {
        Map<String, Object> merged = Yamls.deepCopy(globals);
        own.forEach((key, value) -> {
            if (key.equals("Environment") && merged.get(key) instanceof Map<?, ?> && value instanceof Map<?, ?>) {
                Map<String, Object> globalEnv = Yamls.asMap(merged.get(key), "Globals Environment");
                Map<String, Object> ownEnv = Yamls.asMap(value, "Environment");
                Map<String, Object> env = new LinkedHashMap<>(globalEnv);
                env.putAll(ownEnv);
                Map<String, Object> globalVars = Yamls.asMap(globalEnv.get("Variables"), "Globals Variables");
                Map<String, Object> ownVars = Yamls.asMap(ownEnv.get("Variables"), "Variables");
                Map<String, Object> vars = new LinkedHashMap<>(globalVars);
                vars.putAll(ownVars);
                env.put("Variables", vars);
                merged.put(key, env);
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    private static void collectReferences(Object node, Set<String> found) {
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
            map.values().forEach(v -> collectReferences(v, found));
        } else if (node instanceof List<?> list) {
            list.forEach(v -> collectReferences(v, found));
        }
    }

    @Override
    public String toString() {
        return "SamTemplate[" + source + ", stack " + stackName + ", " + allResources.size() + " resources]";
    }
}
