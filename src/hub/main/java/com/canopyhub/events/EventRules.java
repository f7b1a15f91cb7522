package com.canopyhub.events;

import com.canopyhub.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;

/**
 * The rules of the derived events: when a product's stock counts as low ({@code inventory.low_stock}), and how many
 * days before a document expires it is announced ({@code document.expiring}). They live in config/events.yaml
 * (hub.events.file), sections {@code low_stock} and {@code document_expiring}; config/webhooks.yaml's sections of the
 * same name are still read for this release, with a warning, when the events file does not exist.
 */
public record EventRules(Supplier<LowStockRule> lowStock, Supplier<List<Integer>> expiringDays) {

    public static final List<Integer> DEFAULT_EXPIRING_DAYS = List.of(30);

    /** No low-stock thresholds; documents announced 30 days before they expire. */
    public static final EventRules DEFAULTS = of(LowStockRule.NONE, DEFAULT_EXPIRING_DAYS);

    public static EventRules of(LowStockRule lowStock, List<Integer> expiringDays) {
        return new EventRules(() -> lowStock, () -> expiringDays);
    }

    /**
     * The rules of an events file; empty when the file does not exist.
     *
     * @throws ConfigException naming file and line of every problem
     */
    public static Optional<EventRules> load(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Node root = YamlReading.compose(file);
        if (root == null) {
            return Optional.of(DEFAULTS);
        }
        YamlReading r = new YamlReading(file);
        LowStockRule lowStock = LowStockRule.NONE;
        List<Integer> days = DEFAULT_EXPIRING_DAYS;
        if (!(root instanceof MappingNode top)) {
            r.problem(root, "expected keys low_stock, document_expiring");
        } else {
            for (NodeTuple t : top.getValue()) {
                String key = YamlReading.scalar(t.getKeyNode());
                switch (key == null ? "" : key) {
                    case "low_stock" -> lowStock = r.lowStock(t.getValueNode());
                    case "document_expiring" -> days = r.expiring(t.getValueNode());
                    default -> r.problem(t.getKeyNode(), "unknown key '" + key + "' (known: low_stock, document_expiring)");
                }
            }
        }
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return Optional.of(of(lowStock, days));
    }
}
