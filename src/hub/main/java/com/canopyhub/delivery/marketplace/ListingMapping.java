package com.canopyhub.delivery.marketplace;

import com.canopyhub.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.Predicate;
import org.apache.camel.spi.Language;
import org.apache.camel.support.DefaultExchange;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * What a marketplace lists and how a listing's fields are filled, declared in a YAML file under
 * {@code config/marketplaces/} so an integration engineer changes them by editing text (docs/marketplaces.md):
 * <pre>
 * list-when: ${body[active]} == true &amp;&amp; ${body[unit_price]} != null
 * fields:
 *   name: ${body[name]}
 *   price: ${body[unit_price]}
 * lookups:
 *   category: { FLOWER: flower, "*": other }
 * </pre>
 * {@code list-when} is a Camel Simple predicate and every field a Simple expression, both over the product's facts
 * ({@link ListingFacts}: the reporting row's columns plus stock and lab-test counts). A field with a lookup table is
 * translated through it ({@code "*"}: any other value). The file is read at startup; a bad expression, a missing
 * field or an unknown key fails startup naming the file and key.
 */
public final class ListingMapping {

    private static final Set<String> SECTIONS = Set.of("list-when", "fields", "lookups", "options", "overrides");

    private final Path file;
    private final Predicate listWhen;
    private final Map<String, Expression> fields;
    private final Map<String, Map<String, String>> lookups;
    private final Map<String, String> options;
    private final Map<String, Map<String, Expression>> overrides;
    private final CamelContext context;
    private final String hash;

    private ListingMapping(String hash, Path file, Predicate listWhen, Map<String, Expression> fields,
                           Map<String, Map<String, String>> lookups, Map<String, String> options,
                           Map<String, Map<String, Expression>> overrides, CamelContext context) {
        this.hash = hash;
        this.file = file;
        this.listWhen = listWhen;
        this.fields = fields;
        this.lookups = lookups;
        this.options = options;
        this.overrides = overrides;
        this.context = context;
    }

    /**
     * Reads and checks a mapping file.
     *
     * @param required the fields the marketplace needs
     * @param knownOptions the options it understands, with their allowed values (empty set: any value)
     */
    public static ListingMapping load(Path file, Set<String> required, Map<String, Set<String>> knownOptions,
                                      CamelContext context) {
        List<String> problems = new ArrayList<>();
        Object root;
        String text;
        try {
            text = Files.readString(file);
            // every scalar as written (the failsafe schema): 1.50 stays 1.50, the values are Simple text anyway
            root = new Load(LoadSettings.builder().setAllowDuplicateKeys(false)
                    .setSchema(new org.snakeyaml.engine.v2.schema.FailsafeSchema()).build()).loadFromString(text);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
        } catch (YamlEngineException e) {
            throw new ConfigException(List.of(file + ": not valid YAML: " + e.getMessage().replace('\n', ' ')));
        }
        if (!(root instanceof Map<?, ?> top)) {
            throw new ConfigException(List.of(file + ": expected the sections " + String.join(", ", SECTIONS)));
        }
        for (Object key : top.keySet()) {
            if (!SECTIONS.contains(String.valueOf(key))) {
                problems.add(file + ": unknown section '" + key + "' (known: " + String.join(", ", new java.util.TreeSet<>(SECTIONS)) + ")");
            }
        }
        Language simple = context.resolveLanguage("simple");
        Predicate listWhen = null;
        Object when = top.get("list-when");
        if (when == null) {
            problems.add(file + ": list-when: required (a Simple predicate; 'true' lists every product)");
        } else {
            try {
                listWhen = simple.createPredicate(String.valueOf(when));
                listWhen.init(context);
            } catch (RuntimeException e) {
                problems.add(file + ": list-when: not a valid Simple predicate: " + e.getMessage());
            }
        }
        Map<String, Expression> fields = new LinkedHashMap<>();
        if (top.get("fields") instanceof Map<?, ?> f) {
            for (Map.Entry<?, ?> e : f.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (e.getValue() == null) {
                    continue; // an empty field: left out of the listing
                }
                try {
                    Expression x = simple.createExpression(String.valueOf(e.getValue()));
                    x.init(context);
                    fields.put(name, x);
                } catch (RuntimeException ex) {
                    problems.add(file + ": fields." + name + ": not a valid Simple expression: " + ex.getMessage());
                }
            }
        } else {
            problems.add(file + ": fields: required (a map of field name to Simple expression)");
        }
        for (String r : required) {
            if (!fields.containsKey(r) && top.get("fields") instanceof Map<?, ?>) {
                problems.add(file + ": fields." + r + ": required");
            }
        }
        Map<String, Map<String, String>> lookups = new LinkedHashMap<>();
        if (top.get("lookups") instanceof Map<?, ?> l) {
            for (Map.Entry<?, ?> e : l.entrySet()) {
                String name = String.valueOf(e.getKey());
                if (!(e.getValue() instanceof Map<?, ?> table)) {
                    problems.add(file + ": lookups." + name + ": expected a map of value to value");
                    continue;
                }
                if (!fields.containsKey(name)) {
                    problems.add(file + ": lookups." + name + ": no field of that name");
                }
                Map<String, String> t = new LinkedHashMap<>();
                table.forEach((k, v) -> t.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
                lookups.put(name, t);
            }
        } else if (top.get("lookups") != null) {
            problems.add(file + ": lookups: expected a map");
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (top.get("options") instanceof Map<?, ?> o) {
            o.forEach((k, v) -> options.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (top.get("options") != null) {
            problems.add(file + ": options: expected a map");
        }
        for (Map.Entry<String, String> o : options.entrySet()) {
            Set<String> allowed = knownOptions.get(o.getKey());
            if (allowed == null) {
                problems.add(file + ": options." + o.getKey() + ": unknown (known: " + String.join(", ", knownOptions.keySet()) + ")");
            } else if (!allowed.isEmpty() && !allowed.contains(o.getValue())) {
                problems.add(file + ": options." + o.getKey() + ": '" + o.getValue() + "' is not one of " + String.join(", ", allowed));
            }
        }
        Map<String, Map<String, Expression>> overrides = new LinkedHashMap<>();
        if (top.get("overrides") instanceof Map<?, ?> o) {
            for (Map.Entry<?, ?> target : o.entrySet()) {
                if (!(target.getValue() instanceof Map<?, ?> values)) {
                    problems.add(file + ": overrides." + target.getKey() + ": expected a map of field to Simple expression");
                    continue;
                }
                Map<String, Expression> exprs = new LinkedHashMap<>();
                for (Map.Entry<?, ?> v : values.entrySet()) {
                    try {
                        Expression x = simple.createExpression(String.valueOf(v.getValue()));
                        x.init(context);
                        exprs.put(String.valueOf(v.getKey()), x);
                    } catch (RuntimeException ex) {
                        problems.add(file + ": overrides." + target.getKey() + "." + v.getKey() + ": not a valid Simple expression: " + ex.getMessage());
                    }
                }
                overrides.put(String.valueOf(target.getKey()), exprs);
            }
        } else if (top.get("overrides") != null) {
            problems.add(file + ": overrides: expected a map of target (e.g. a shop, or \"*\") to fields");
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new ListingMapping(com.canopyhub.config.KeyHash.sha256Hex(text), file, listWhen, Map.copyOf(fields), lookups, options, overrides, context);
    }

    /** SHA-256 of the file's text: an edit (any edit) makes every listing be looked at again. */
    public String hash() {
        return hash;
    }

    public Path file() {
        return file;
    }

    /** An option of the file, or {@code def}. */
    public String option(String name, String def) {
        String v = options.get(name);
        return v == null ? def : v;
    }

    /** Whether the product with these facts is listed. */
    public boolean lists(Map<String, Object> facts) {
        return listWhen.matches(exchange(facts));
    }

    /** The listing's fields for these facts: each expression's value (null stays null), through its lookup table. */
    public Map<String, String> fields(Map<String, Object> facts) {
        Exchange ex = exchange(facts);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Expression> f : fields.entrySet()) {
            Object v = f.getValue().evaluate(ex, Object.class);
            String text = v == null ? null : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
            if (text != null && text.isEmpty()) {
                text = null;
            }
            Map<String, String> table = lookups.get(f.getKey());
            if (table != null && text != null) {
                text = table.containsKey(text) ? table.get(text) : table.getOrDefault("*", text);
            }
            out.put(f.getKey(), text);
        }
        return out;
    }

    /**
     * The overrides declared for {@code target} (e.g. a shop id; {@code "*"} applies to every target, the target's
     * own entries win): each value evaluated, numbers and true/false as such, empty values left out.
     */
    public Map<String, Object> overrides(String target, Map<String, Object> facts) {
        Exchange ex = exchange(facts);
        Map<String, Object> out = new java.util.TreeMap<>();
        for (String key : List.of("*", target)) {
            Map<String, Expression> exprs = overrides.get(key);
            if (exprs == null) {
                continue;
            }
            exprs.forEach((name, x) -> {
                Object v = x.evaluate(ex, Object.class);
                String text = v == null ? null : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
                if (text == null || text.isEmpty()) {
                    out.remove(name);
                } else if (text.equals("true") || text.equals("false")) {
                    out.put(name, Boolean.valueOf(text));
                } else {
                    try {
                        out.put(name, new java.math.BigDecimal(text));
                    } catch (NumberFormatException notANumber) {
                        out.put(name, text);
                    }
                }
            });
        }
        return out;
    }

    private Exchange exchange(Map<String, Object> facts) {
        Exchange ex = new DefaultExchange(context);
        ex.getMessage().setBody(facts);
        return ex;
    }
}
