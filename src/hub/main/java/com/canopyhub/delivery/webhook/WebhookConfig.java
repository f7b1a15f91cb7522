package com.canopyhub.delivery.webhook;

import com.canopyhub.config.ConfigException;
import com.canopyhub.events.EventTypes;
import com.canopyhub.events.LowStockRule;
import com.canopyhub.events.YamlReading;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * {@code config/webhooks.yaml} (path: {@code hub.webhooks.file}): the subscriptions, and the rules of the derived
 * events {@code inventory.low_stock} and {@code document.expiring}. Validated whole at startup; every problem names
 * the file and line. docs/webhooks.md describes the file.
 */
public record WebhookConfig(List<Subscription> subscriptions, LowStockRule lowStock, List<Integer> expiringDays,
                            boolean holdsEventRules) {

    /**
     * @param secret the secret as resolved (a literal, or the value of {@code ${env:NAME}}); null: the hub generates one
     */
    public record Subscription(String id, String url, String secret, List<String> events, boolean enabled,
                               String description, Integer maxInFlight) {
        @Override
        public String toString() {
            return "Subscription[" + id + " " + url + " " + events + "]"; // never the secret
        }
    }

    /**
     * Thresholds of {@code inventory.low_stock}, in each product's own stock unit: by SKU first, then by category,
     * then the global one (null: no event for products without a specific threshold).
     */
    public static final List<Integer> DEFAULT_EXPIRING_DAYS = com.canopyhub.events.EventRules.DEFAULT_EXPIRING_DAYS;
    public static final WebhookConfig EMPTY = new WebhookConfig(List.of(), LowStockRule.NONE, DEFAULT_EXPIRING_DAYS, false);

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");

    /** Reads the file; a missing file means no subscriptions and no rules. */
    public static WebhookConfig load(Path file, Map<String, String> environment) {
        if (!Files.exists(file)) {
            return EMPTY;
        }
        Node root = YamlReading.compose(file);
        if (root == null) {
            return EMPTY;
        }
        Reading r = new Reading(file, environment);
        WebhookConfig config = r.config(root);
        if (!r.problems().isEmpty()) {
            throw new ConfigException(r.problems());
        }
        return config;
    }

    /** Whether an event type matches a subscription's pattern: exact, {@code *}, or {@code prefix.*}. */
    public static boolean matches(String pattern, String type) {
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.endsWith(".*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }

    /** The same pattern for SQL {@code LIKE}: {@code order.*} is {@code order.%}; underscores are escaped. */
    public static String likePattern(String pattern) {
        String escaped = pattern.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return escaped.endsWith("*") ? escaped.substring(0, escaped.length() - 1) + "%" : escaped;
    }

    private static final class Reading extends YamlReading {
        final Map<String, String> environment;

        Reading(Path file, Map<String, String> environment) {
            super(file);
            this.environment = environment;
        }

        WebhookConfig config(Node root) {
            if (!(root instanceof MappingNode top)) {
                problem(root, "expected keys subscriptions, low_stock, document_expiring");
                return EMPTY;
            }
            List<Subscription> subscriptions = new ArrayList<>();
            LowStockRule lowStock = LowStockRule.NONE;
            List<Integer> days = DEFAULT_EXPIRING_DAYS;
            boolean rules = false;
            for (NodeTuple t : top.getValue()) {
                String key = scalar(t.getKeyNode());
                switch (key == null ? "" : key) {
                    case "subscriptions" -> subscriptions = subscriptions(t.getValueNode());
                    case "low_stock" -> {
                        lowStock = lowStock(t.getValueNode());
                        rules = true;
                    }
                    case "document_expiring" -> {
                        days = expiring(t.getValueNode());
                        rules = true;
                    }
                    default -> problem(t.getKeyNode(), "unknown key '" + key + "' (known: subscriptions, low_stock, document_expiring)");
                }
            }
            return new WebhookConfig(List.copyOf(subscriptions), lowStock, days, rules);
        }

        List<Subscription> subscriptions(Node node) {
            List<Subscription> out = new ArrayList<>();
            if (isNull(node)) {
                return out;
            }
            if (!(node instanceof SequenceNode seq)) {
                problem(node, "subscriptions: expected a list of subscriptions (- id: ..., url: ..., events: [...])");
                return out;
            }
            Set<String> ids = new HashSet<>();
            for (Node item : seq.getValue()) {
                if (!(item instanceof MappingNode m)) {
                    problem(item, "a subscription is a mapping with id, url, events (and secret, enabled, description, max_in_flight)");
                    continue;
                }
                Map<String, Node> fields = fields(m, Set.of("id", "url", "secret", "events", "enabled", "description", "max_in_flight"), "subscription");
                String id = text(fields.get("id"));
                if (id == null) {
                    problem(m, "subscription without id");
                    continue;
                }
                if (!ID.matcher(id).matches()) {
                    problem(fields.get("id"), "id '" + id + "': lower-case letters, digits, - and _ (at most 63)");
                } else if (id.equals("sandbox")) {
                    problem(fields.get("id"), "id 'sandbox' is the built-in receiver's (hub.webhooks.sandbox-receiver)");
                } else if (!ids.add(id)) {
                    problem(fields.get("id"), "id '" + id + "' appears twice");
                }
                String url = text(fields.get("url"));
                if (url == null) {
                    problem(m, "subscription " + id + ": url is required");
                } else {
                    String bad = urlProblem(url);
                    if (bad != null) {
                        problem(fields.get("url"), "subscription " + id + ": url " + bad);
                    }
                }
                String secret = secret(id, fields.get("secret"));
                List<String> events = events(id, fields.get("events"), m);
                boolean enabled = true;
                if (fields.containsKey("enabled")) {
                    String e = text(fields.get("enabled"));
                    if (!"true".equals(e) && !"false".equals(e)) {
                        problem(fields.get("enabled"), "subscription " + id + ": enabled is true or false");
                    }
                    enabled = !"false".equals(e);
                }
                Integer maxInFlight = null;
                if (fields.containsKey("max_in_flight")) {
                    String v = text(fields.get("max_in_flight"));
                    try {
                        maxInFlight = Integer.parseInt(v);
                        if (maxInFlight < 1 || maxInFlight > 1000) {
                            throw new NumberFormatException();
                        }
                    } catch (NumberFormatException ex) {
                        problem(fields.get("max_in_flight"), "subscription " + id + ": max_in_flight is a whole number 1..1000");
                        maxInFlight = null;
                    }
                }
                out.add(new Subscription(id, url, secret, events, enabled, text(fields.get("description")), maxInFlight));
            }
            return out;
        }

        String secret(String id, Node node) {
            if (node == null || isNull(node)) {
                return null;
            }
            String raw = text(node);
            String value = raw;
            Matcher env = ENV.matcher(raw == null ? "" : raw);
            if (env.matches()) {
                value = environment.get(env.group(1));
                if (value == null || value.isBlank()) {
                    problem(node, "subscription " + id + ": secret ${env:" + env.group(1) + "}: the environment variable is not set");
                    return null;
                }
                value = value.trim();
            }
            String bad = value == null ? "is empty" : SigningSecrets.problem(value);
            if (bad != null) {
                // never echo the value itself
                problem(node, "subscription " + id + ": secret: " + bad);
                return null;
            }
            return value;
        }

        List<String> events(String id, Node node, Node owner) {
            if (node == null) {
                problem(owner, "subscription " + id + ": events is required, e.g. [\"product.*\", \"inventory.low_stock\"] or [\"*\"]");
                return List.of();
            }
            List<String> out = new ArrayList<>();
            List<Node> items = node instanceof SequenceNode s ? s.getValue() : List.of(node);
            for (Node item : items) {
                String p = text(item);
                if (p == null || p.isBlank()) {
                    problem(item, "subscription " + id + ": an event type or pattern is text, e.g. order.*");
                    continue;
                }
                if (EventTypes.ALL.stream().noneMatch(t -> matches(p, t))) {
                    problem(item, "subscription " + id + ": '" + p + "' matches no event type (known: " + String.join(", ", EventTypes.ALL)
                            + "; patterns: *, order.*)");
                    continue;
                }
                out.add(p);
            }
            if (out.isEmpty() && items.isEmpty()) {
                problem(node, "subscription " + id + ": events must name at least one event type or pattern");
            }
            return List.copyOf(out);
        }

    }

    /** Why a URL cannot be a subscription's (not http(s), no host, credentials in it), or null. */
    static String urlProblem(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return "is not a valid URL";
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) && !"http".equalsIgnoreCase(uri.getScheme())) {
            return "must start with https:// (http:// only for hosts in hub.webhooks.allowed-private-hosts)";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "has no host";
        }
        if (uri.getUserInfo() != null) {
            return "must not carry credentials (the signature authenticates the hub)";
        }
        return null;
    }
}
