package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout holds what the renovation made of it: no import circle between the hub's packages (nor the sandbox
 * module's), and a composition root that names no source and no delivery (modules register themselves).
 */
class ArchitectureTest {

    private static final Pattern PACKAGE = Pattern.compile("^package\\s+([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?(com\\.canopyhub[\\w.]*)\\.[\\w*]+;", Pattern.MULTILINE);
    private static final Pattern QUALIFIED = Pattern.compile("\\b(com\\.canopyhub(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    @Test
    void no_package_of_the_hub_or_its_sandbox_module_imports_itself_round_a_circle() throws IOException {
        Map<String, Set<String>> deps = dependencies(List.of(Path.of("src/hub/main/java"), Path.of("src/sandbox/main/java")));
        assertThat(deps).containsKeys("com.canopyhub.engine.spi", "com.canopyhub.engine.run", "com.canopyhub.delivery.webhook");
        assertThat(circles(deps)).as("import circles").isEmpty();
    }

    @Test
    void the_composition_root_names_no_source_and_no_delivery() throws IOException {
        String root = Files.readString(Path.of("src/hub/main/java/com/canopyhub/app/HubConfiguration.java"));
        assertThat(root).doesNotContain("com.canopyhub.source.distru", "com.canopyhub.source.metrc", "com.canopyhub.delivery.",
                "com.canopyhub.sandbox", "\"distru\"", "\"metrc\"");
        assertThat(HubConfiguration.modules()).extracting(m -> m.getClass().getSimpleName())
                .containsExactly("StoreModule", "EventsModule", "EngineModule", "WebhookModule", "MarketplaceModule",
                        "KafkaModule", "OpsModule");
    }

    private static Map<String, Set<String>> dependencies(List<Path> roots) throws IOException {
        Map<Path, String> sources = new HashMap<>();
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    sources.put(f, Files.readString(f));
                }
            }
        }
        Set<String> packages = new HashSet<>();
        sources.values().forEach(s -> {
            Matcher m = PACKAGE.matcher(s);
            if (m.find()) {
                packages.add(m.group(1));
            }
        });
        Map<String, Set<String>> deps = new HashMap<>();
        for (String s : sources.values()) {
            Matcher p = PACKAGE.matcher(s);
            if (!p.find()) {
                continue;
            }
            String own = p.group(1);
            Set<String> uses = deps.computeIfAbsent(own, k -> new TreeSet<>());
            for (Matcher m : List.of(IMPORT.matcher(s), QUALIFIED.matcher(s))) {
                while (m.find()) {
                    String used = m.group(1);
                    while (!packages.contains(used) && used.contains(".")) {
                        used = used.substring(0, used.lastIndexOf('.')); // a nested class: its package
                    }
                    if (packages.contains(used) && !used.equals(own)) {
                        uses.add(used);
                    }
                }
            }
        }
        return deps;
    }

    /** Tarjan's strongly connected components of more than one package. */
    private static List<Set<String>> circles(Map<String, Set<String>> deps) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<Set<String>> out = new ArrayList<>();
        int[] counter = {0};
        for (String v : new TreeSet<>(deps.keySet())) {
            if (!index.containsKey(v)) {
                connect(v, deps, index, low, stack, onStack, out, counter);
            }
        }
        return out;
    }

    private static void connect(String v, Map<String, Set<String>> deps, Map<String, Integer> index, Map<String, Integer> low,
                                Deque<String> stack, Set<String> onStack, List<Set<String>> out, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : deps.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, deps, index, low, stack, onStack, out, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            Set<String> component = new TreeSet<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                out.add(component);
            }
        }
    }
}
