package com.canopyhub.source;

import com.canopyhub.config.ConfigException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Extra source fields an integration engineer declares without Java: one YAML file per (source, stream) under
 * {@code hub.mappings.directory}, named {@code <source>-<stream>.yaml}, each line {@code <JSON pointer>: <attribute
 * name>}, e.g. {@code /brand/website: brand_website}. The values land in the canonical record's {@code attributes}
 * (so every sink gets them), in the reporting row's {@code attributes} jsonb column, and in the content hash.
 * Files are validated at startup: a bad pointer, a bad or duplicate attribute name, an unknown source or stream
 * fails naming the file and line. See docs/extending.md.
 */
public final class ExtraFields {

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final ExtraFields NONE = new ExtraFields(Map.of());

    /** (source-stream) to its pointers, in file order, each with its attribute name. */
    private final Map<String, Map<String, JsonPointer>> byStream;

    private ExtraFields(Map<String, Map<String, JsonPointer>> byStream) {
        this.byStream = byStream;
    }

    public static ExtraFields none() {
        return NONE;
    }

    /**
     * Reads every {@code *.yaml} of {@code directory} (none if it does not exist).
     *
     * @param streams the streams each known source offers, to check file names against
     * @throws ConfigException naming every bad file and line
     */
    public static ExtraFields load(Path directory, Map<String, List<String>> streams) {
        if (!Files.isDirectory(directory)) {
            return NONE;
        }
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, JsonPointer>> byStream = new HashMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(directory)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException(List.of("hub.mappings.directory: cannot read " + directory + " (" + e.getMessage() + ")"));
        }
        for (Path file : files) {
            String name = file.getFileName().toString().replaceFirst("\\.yaml$", "");
            String key = streamOf(name, streams);
            if (key == null) {
                problems.add(file + ": the name must be <source>-<stream>.yaml with a known source and stream ("
                        + String.join(", ", streams.entrySet().stream().flatMap(e -> e.getValue().stream()
                        .map(s -> e.getKey() + "-" + s + ".yaml")).toList()) + ")");
                continue;
            }
            Map<String, JsonPointer> fields = read(file, problems);
            if (!fields.isEmpty()) {
                byStream.put(key, Collections.unmodifiableMap(fields));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ExtraFields(Map.copyOf(byStream));
    }

    /**
     * The declared attributes of one raw record: name to value, in declaration order. Pointers that find nothing
     * (or JSON null) are left out, so a record without the field hashes as it did before the mapping existed.
     */
    public Map<String, JsonNode> extract(String source, String stream, JsonNode raw) {
        Map<String, JsonPointer> fields = byStream.get(source + "-" + stream);
        if (fields == null) {
            return Map.of();
        }
        Map<String, JsonNode> values = new LinkedHashMap<>();
        fields.forEach((attribute, pointer) -> {
            JsonNode v = raw.at(pointer);
            if (!v.isMissingNode() && !v.isNull()) {
                values.put(attribute, v);
            }
        });
        return values.isEmpty() ? Map.of() : Collections.unmodifiableMap(values);
    }

    /** The declared attribute names of a stream, e.g. for documentation or a status page. */
    public List<String> attributesOf(String source, String stream) {
        return List.copyOf(byStream.getOrDefault(source + "-" + stream, Map.of()).keySet());
    }

    private static String streamOf(String fileName, Map<String, List<String>> streams) {
        for (Map.Entry<String, List<String>> e : streams.entrySet()) {
            for (String stream : e.getValue()) {
                if (fileName.equals(e.getKey() + "-" + stream)) {
                    return fileName;
                }
            }
        }
        return null;
    }

    private static Map<String, JsonPointer> read(Path file, List<String> problems) {
        Map<String, JsonPointer> fields = new LinkedHashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        Node root;
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Compose(LoadSettings.builder().setAllowDuplicateKeys(false).build()).composeReader(in).orElse(null);
        } catch (MarkedYamlEngineException e) {
            problems.add(file + " line " + e.getProblemMark().map(m -> m.getLine() + 1).orElse(0) + ": " + e.getProblem());
            return fields;
        } catch (IOException | RuntimeException e) {
            problems.add(file + ": not valid YAML (" + e.getMessage() + ")");
            return fields;
        }
        if (root == null) {
            return fields; // empty file: nothing declared
        }
        if (!(root instanceof MappingNode mapping)) {
            problems.add(file + " line " + line(root) + ": expected lines of '<JSON pointer>: <attribute name>'");
            return fields;
        }
        Map<String, Integer> pointerLine = new HashMap<>();
        for (NodeTuple t : mapping.getValue()) {
            int line = line(t.getKeyNode());
            if (!(t.getKeyNode() instanceof ScalarNode k) || !(t.getValueNode() instanceof ScalarNode v)) {
                problems.add(file + " line " + line + ": expected '<JSON pointer>: <attribute name>'");
                continue;
            }
            String pointer = k.getValue();
            String attribute = v.getValue();
            JsonPointer compiled = null;
            if (!pointer.startsWith("/")) {
                problems.add(file + " line " + line + ": '" + pointer + "' is not a JSON pointer (it starts with /, e.g. /brand/name)");
            } else {
                try {
                    compiled = JsonPointer.compile(pointer);
                } catch (IllegalArgumentException e) {
                    problems.add(file + " line " + line + ": '" + pointer + "' is not a valid JSON pointer (" + e.getMessage() + ")");
                }
            }
            if (!ATTRIBUTE_NAME.matcher(attribute).matches()) {
                problems.add(file + " line " + line + ": attribute name '" + attribute
                        + "' must be lower case letters, digits and _ (starting with a letter)");
                continue;
            }
            Integer earlier = lineOf.putIfAbsent(attribute, line);
            if (earlier != null) {
                problems.add(file + " line " + line + ": attribute '" + attribute + "' is already declared on line " + earlier);
                continue;
            }
            Integer samePointer = pointerLine.putIfAbsent(pointer, line);
            if (samePointer != null) {
                problems.add(file + " line " + line + ": pointer '" + pointer + "' is already mapped on line " + samePointer);
                continue;
            }
            if (compiled != null) {
                fields.put(attribute, compiled);
            }
        }
        return fields;
    }

    private static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }
}
