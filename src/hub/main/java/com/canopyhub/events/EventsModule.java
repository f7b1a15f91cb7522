package com.canopyhub.events;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The transactional outbox and the derived events: the outbox and low-stock writers join the change stream (the
 * outbox before the reporting tables, so it reads an order's previous status; low stock after them, so it reads the
 * stock just written), and document expiry runs on its timer. Their rules (thresholds, expiry days) are the events
 * module's own: config/events.yaml.
 */
public final class EventsModule implements HubModule {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventsModule.class);

    /** Event rules found in config/webhooks.yaml (the deprecated place), provided by the webhook module. */
    public record LegacyEventRules(EventRules rules) {
    }

    @Override
    public int order() {
        return 20;
    }

    private Optional<EventRules> fromFile = Optional.empty();

    /** config/events.yaml (hub.events.file), checked before anything opens. */
    @Override
    public void check(HubWiring w) {
        fromFile = EventRules.load(Path.of(w.settings().get(CoreSettings.EVENTS_FILE)));
    }

    @Override
    public void wire(HubWiring w) {
        EventRules rules = fromFile.orElseGet(() -> {
            // before the events file existed, its rules lived in config/webhooks.yaml: still read, for this release
            LegacyEventRules legacy = w.find(LegacyEventRules.class);
            if (legacy == null) {
                return EventRules.DEFAULTS;
            }
            LOG.warn("{}: low_stock / document_expiring in config/webhooks.yaml are deprecated: move them to {} "
                    + "(hub.events.file); read from the webhooks file for this release only",
                    w.settings().get(CoreSettings.EVENTS_FILE), w.settings().get(CoreSettings.EVENTS_FILE));
            return legacy.rules();
        });
        boolean skipInitialLoad = w.settings().getBoolean(CoreSettings.OUTBOX_SKIP_INITIAL_LOAD);
        if (w.settings().getBoolean(CoreSettings.OUTBOX_ENABLED)) {
            w.changeSink(20, new OutboxSink(skipInitialLoad));
            w.changeSink(40, new LowStockSink(rules.lowStock(), skipInitialLoad));
        }
        w.bind("documentExpiry", new DocumentExpiry(w.database().dataSource(), w.clock(), rules.expiringDays()));
    }
}
