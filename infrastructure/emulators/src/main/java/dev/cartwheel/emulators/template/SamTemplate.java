package dev.cartwheel.emulators.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An AWS SAM / CloudFormation template read from YAML: its parameters, conditions, resources (SAM Globals merged into
 * functions), functions and outputs, resolved by {@link Intrinsics} (parameters, pseudo parameters and intrinsic
 * functions, short and long forms). Immutable: the {@code with...} methods return a new template.
 *
 * <p>{@code Ref} and {@code Fn::GetAtt} of resources go through a {@link ResourceLookup}; once the resources are
 * provisioned ({@code Provisioner}) the lookup gives their real names, URLs and ARNs, else placeholders.
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
        return ServerlessFunction.of(logicalId, resolvedProperties(logicalId));
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
        Intrinsics.references(resource.properties(), found);
        found.retainAll(allResources.keySet());
        found.remove(logicalId);
        return found;
    }

    // ---------------------------------------------------------------------------------------------- resolution

    /** Resolves any template fragment (long-form intrinsics, as the YAML reader produces them). */
    public Object resolve(Object node) {
        return new Intrinsics(this).resolve(node);
    }













    /** Every resource, whatever its Condition. */
    Map<String, TemplateResource> allResources() {
        return allResources;
    }

    /** A top-level section of the document (Mappings, Conditions, ...), or {@code null}. */
    Object section(String name) {
        return document.get(name);
    }

    /** A parameter's value: the override, else the Default (a list for list types). */
    Object parameterValue(String name) {
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


    @Override
    public String toString() {
        return "SamTemplate[" + source + ", stack " + stackName + ", " + allResources.size() + " resources]";
    }
}
