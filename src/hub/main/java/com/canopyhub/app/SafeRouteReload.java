package com.canopyhub.app;

import com.canopyhub.config.HubSettings;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.Registry;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Live reload of {@code routes/*.camel.yaml} ({@code hub.routes.reload}, on in the dev profile) that never leaves
 * the hub without its routes. Camel 4.18's reload removes a route before it knows the new version can be built,
 * so a saved typo (a misspelt bean) used to leave the flow without the route: passes then hung on a direct:
 * endpoint nobody consumed. Here a changed file is first checked against the registry (every bean it refers to
 * must exist); a file that fails the check is not loaded, and one clear error names the file, the line and the
 * bean. If loading still fails (an unknown endpoint, a broken expression), the routes of before are put back.
 * Either way the previous routes keep running; the next save that passes loads as usual.
 */
public class SafeRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(SafeRouteReload.class);

    public SafeRouteReload(String directory, String pattern) {
        super(directory, false);
        setPattern(pattern);
        // only the changed file's routes are replaced; routes of other files keep running untouched
        setRemoveAllRoutes(false);
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        List<String> problems = new ArrayList<>();
        if (resources != null) {
            for (Resource r : resources) {
                if (isEmpty(r)) {
                    // an editor truncates the file before writing it: the write that follows triggers the reload
                    LOG.debug("{} is empty for now; waiting for its content", r.getLocation());
                    return;
                }
                problems.addAll(unknownBeans(r, getCamelContext().getRegistry()));
            }
        }
        if (!problems.isEmpty()) {
            LOG.error("Route reload rejected, the previous routes keep running: {}", String.join("; ", problems));
            return;
        }
        Model model = getCamelContext().getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> before = List.copyOf(model.getRouteDefinitions());
        try {
            super.onRouteReload(resources, removeEverything);
        } catch (RuntimeException e) {
            LOG.error("Route reload of {} failed, the previous routes keep running: {}", locations(resources), rootMessage(e));
            restore(model, before);
        }
    }

    /** Puts back every route of before that the failed reload removed (or left half-built). */
    private void restore(Model model, List<RouteDefinition> before) {
        for (RouteDefinition d : before) {
            String id = d.getRouteId();
            try {
                if (getCamelContext().getRoute(id) != null) {
                    continue;
                }
                RouteDefinition partial = model.getRouteDefinition(id);
                if (partial != null && partial != d) {
                    model.removeRouteDefinition(partial);
                }
                model.addRouteDefinition(d);
                LOG.warn("Route {} restored from its previous version", id);
            } catch (Exception e) {
                LOG.error("Could not restore route {} after a failed reload: {}; restart the hub", id, rootMessage(e));
            }
        }
    }

    /**
     * Bean references ({@code ref: x}, {@code somethingRef: x}) in a route file that name no bean in the registry,
     * each as {@code file line N: no bean 'x' (did you mean y?)}.
     */
    static List<String> unknownBeans(Resource resource, Registry registry) {
        List<String> problems = new ArrayList<>();
        Node root;
        try (Reader in = new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8)) {
            root = new Compose(LoadSettings.builder().build()).composeReader(in).orElse(null);
        } catch (IOException | RuntimeException e) {
            String line = e instanceof org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException marked
                    ? marked.getProblemMark().map(m -> " line " + (m.getLine() + 1)).orElse("") : "";
            problems.add(resource.getLocation() + line + ": not valid YAML (" + firstLine(e.getMessage()) + ")");
            return problems;
        }
        if (root != null) {
            Set<String> known = registry.findByTypeWithName(Object.class).keySet();
            walk(root, resource.getLocation(), registry, known, problems);
        }
        return problems;
    }

    private static void walk(Node node, String location, Registry registry, Set<String> known, List<String> problems) {
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode key && t.getValueNode() instanceof ScalarNode value
                        && (key.getValue().equals("ref") || key.getValue().endsWith("Ref"))) {
                    String bean = value.getValue();
                    if (!bean.contains("{{") && registry.lookupByName(bean) == null) {
                        int line = value.getStartMark().map(m -> m.getLine() + 1).orElse(0);
                        problems.add(location + " line " + line + ": no bean named '" + bean + "'"
                                + HubSettings.closest(bean, known).map(s -> " (did you mean " + s + "?)").orElse(""));
                    }
                }
                walk(t.getValueNode(), location, registry, known, problems);
            }
        } else if (node instanceof SequenceNode sequence) {
            for (Node n : sequence.getValue()) {
                walk(n, location, registry, known, problems);
            }
        }
    }

    private static boolean isEmpty(Resource r) {
        try (var in = r.getInputStream()) {
            return in.read() < 0;
        } catch (IOException e) {
            return false; // the load that follows reports it
        }
    }

    private static String locations(Collection<Resource> resources) {
        return resources == null ? "(all routes)" : String.join(", ", resources.stream().map(Resource::getLocation).toList());
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + firstLine(Optional.ofNullable(t.getMessage()).orElse(""));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
