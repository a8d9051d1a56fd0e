package dev.cartwheel.emulators.template;

import java.util.LinkedHashMap;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Reads CloudFormation YAML: each short-form tag ({@code !Ref x}, {@code !GetAtt a.b}, {@code !Sub ...}) becomes its
 * long form ({@code {Ref: x}}, {@code {Fn::GetAtt: a.b}}, ...), and timestamps stay strings.
 */
public final class CfnYaml {

    private static final String[] FUNCTIONS = {
        "GetAtt", "Sub", "If", "Join", "Select", "Split", "Equals", "Not", "And", "Or", "FindInMap", "Base64",
        "ImportValue", "GetAZs", "Cidr", "Length", "ToJsonString", "Transform"
    };

    private CfnYaml() {
    }

    public static Object load(String text, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(16 * 1024 * 1024);
        options.setAllowDuplicateKeys(false);
        DumperOptions dumper = new DumperOptions();
        Yaml yaml = new Yaml(new Constructor(options), new Representer(dumper), dumper, options);
        try {
            return yaml.load(text);
        } catch (YAMLException e) {
            throw new TemplateException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static final class Constructor extends SafeConstructor {

        Constructor(LoaderOptions options) {
            super(options);
            yamlConstructors.put(new Tag("!Ref"), new Intrinsic("Ref"));
            yamlConstructors.put(new Tag("!Condition"), new Intrinsic("Condition"));
            for (String function : FUNCTIONS) {
                yamlConstructors.put(new Tag("!" + function), new Intrinsic("Fn::" + function));
            }
            // 2010-09-09 stays the string CloudFormation sees.
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
        }

        private final class Intrinsic extends AbstractConstruct {
            private final String key;

            Intrinsic(String key) {
                this.key = key;
            }

            @Override
            public Object construct(Node node) {
                Object value = switch (node) {
                    case ScalarNode scalar -> constructScalar(scalar);
                    case SequenceNode sequence -> constructSequence(sequence);
                    case MappingNode mapping -> constructMapping(mapping);
                    default -> throw new TemplateException("unsupported node for " + key + ": " + node);
                };
                Map<String, Object> longForm = new LinkedHashMap<>();
                longForm.put(key, value);
                return longForm;
            }
        }
    }
}
