package com.canopyhub.events;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reading one of the hub's YAML configuration files (config/events.yaml, config/webhooks.yaml): every problem is
 * collected with its file and line, so one startup error names them all; and the event rules' sections
 * ({@code low_stock}, {@code document_expiring}) both files can hold.
 */
public class YamlReading {

    private final Path file;
    private final List<String> problems = new ArrayList<>();

    public YamlReading(Path file) {
        this.file = file;
    }

    /**
     * The file's YAML as nodes (with their lines), null for an empty file; a file that is not YAML fails with its
     * line. Duplicate keys are refused.
     */
    public static Node compose(Path file) {
        try (java.io.Reader in = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            return new org.snakeyaml.engine.v2.api.lowlevel.Compose(org.snakeyaml.engine.v2.api.LoadSettings.builder()
                    .setAllowDuplicateKeys(false).build()).composeReader(in).orElse(null);
        } catch (org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException e) {
            throw new com.canopyhub.config.ConfigException(List.of(file + " line "
                    + e.getProblemMark().map(m -> m.getLine() + 1).orElse(0) + ": " + e.getProblem()));
        } catch (java.io.IOException | RuntimeException e) {
            throw new com.canopyhub.config.ConfigException(List.of(file + ": not valid YAML (" + e.getMessage() + ")"));
        }
    }

    public List<String> problems() {
        return problems;
    }

    public void problem(Node at, String message) {
        problems.add(file + " line " + at.getStartMark().map(m -> m.getLine() + 1).orElse(0) + ": " + message);
    }

    public LowStockRule lowStock(Node node) {
        if (isNull(node)) {
            return LowStockRule.NONE;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, "low_stock: expected threshold, categories, products");
            return LowStockRule.NONE;
        }
        Map<String, Node> fields = fields(m, Set.of("threshold", "categories", "products"), "low_stock");
        BigDecimal threshold = fields.containsKey("threshold") ? number(fields.get("threshold"), "low_stock.threshold") : null;
        return new LowStockRule(threshold, numbers(fields.get("categories"), "low_stock.categories"),
                numbers(fields.get("products"), "low_stock.products"));
    }

    public List<Integer> expiring(Node node) {
        if (isNull(node)) {
            return EventRules.DEFAULT_EXPIRING_DAYS;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, "document_expiring: expected days: [30, 7]");
            return EventRules.DEFAULT_EXPIRING_DAYS;
        }
        Map<String, Node> fields = fields(m, Set.of("days"), "document_expiring");
        Node days = fields.get("days");
        if (days == null) {
            return EventRules.DEFAULT_EXPIRING_DAYS;
        }
        TreeSet<Integer> out = new TreeSet<>(java.util.Comparator.reverseOrder());
        for (Node item : days instanceof SequenceNode s ? s.getValue() : List.of(days)) {
            try {
                int d = Integer.parseInt(String.valueOf(text(item)));
                if (d < 1 || d > 3650) {
                    throw new NumberFormatException();
                }
                out.add(d);
            } catch (NumberFormatException e) {
                problem(item, "document_expiring.days: whole numbers of days, 1..3650");
            }
        }
        return List.copyOf(out);
    }

    public Map<String, BigDecimal> numbers(Node node, String what) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        if (node == null || isNull(node)) {
            return out;
        }
        if (!(node instanceof MappingNode m)) {
            problem(node, what + ": expected name: threshold pairs");
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            BigDecimal n = number(t.getValueNode(), what + "." + scalar(t.getKeyNode()));
            if (n != null) {
                out.put(scalar(t.getKeyNode()), n);
            }
        }
        return out;
    }

    public BigDecimal number(Node node, String what) {
        try {
            BigDecimal n = new BigDecimal(String.valueOf(text(node)));
            if (n.signum() < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            problem(node, what + ": a number >= 0 (in the product's own stock unit)");
            return null;
        }
    }

    public Map<String, Node> fields(MappingNode m, Set<String> known, String what) {
        Map<String, Node> out = new LinkedHashMap<>();
        for (NodeTuple t : m.getValue()) {
            String key = scalar(t.getKeyNode());
            if (!known.contains(key)) {
                problem(t.getKeyNode(), what + ": unknown key '" + key + "' (known: " + String.join(", ", new TreeSet<>(known)) + ")");
                continue;
            }
            out.put(key, t.getValueNode());
        }
        return out;
    }

    public String text(Node node) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (node instanceof ScalarNode s) {
            return s.getValue();
        }
        problem(node, "expected a single value");
        return null;
    }

    public static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : null;
    }

    public static boolean isNull(Node node) {
        return node instanceof ScalarNode s && (s.getValue().isEmpty() || s.getValue().equals("null") || s.getValue().equals("~"))
                && s.getTag().getValue().endsWith("null");
    }
}
