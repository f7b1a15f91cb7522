package com.canopyhub.events;

import com.canopyhub.config.CoreSettings;
import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;

/**
 * The transactional outbox and the derived events: the outbox and low-stock writers join the change stream (the
 * outbox before the reporting tables, so it reads an order's previous status; low stock after them, so it reads the
 * stock just written), and document expiry runs on its timer.
 */
public final class EventsModule implements HubModule {

    @Override
    public int order() {
        return 20;
    }

    @Override
    public void wire(HubWiring w) {
        EventRules rules = w.require(EventRules.class);
        boolean skipInitialLoad = w.settings().getBoolean(CoreSettings.OUTBOX_SKIP_INITIAL_LOAD);
        if (w.settings().getBoolean(CoreSettings.OUTBOX_ENABLED)) {
            w.changeSink(20, new OutboxSink(skipInitialLoad));
            w.changeSink(40, new LowStockSink(rules.lowStock(), skipInitialLoad));
        }
        w.bind("documentExpiry", new DocumentExpiry(w.database().dataSource(), w.clock(), rules.expiringDays()));
    }
}
