package com.canopyhub.store;

import com.canopyhub.wiring.HubModule;
import com.canopyhub.wiring.HubWiring;

/** The canonical store: the reporting tables and the dead-letter store join the change stream. */
public final class StoreModule implements HubModule {

    @Override
    public int order() {
        return 10;
    }

    @Override
    public void wire(HubWiring w) {
        DeadLetterStore deadLetters = w.bind("deadLetters", new DeadLetterStore(w.database().dataSource(), w.redactor()));
        w.provide(DeadLetterStore.class, deadLetters);
        w.provide(com.canopyhub.engine.run.ChangeStream.RejectedChanges.class, deadLetters);
        w.provide(com.canopyhub.engine.spi.StoredRecords.class, new ReportingStoredRecords());
        w.provide(com.canopyhub.engine.spi.ParentRecords.class, new ReportingParentRecords(w.database().dataSource()));
        w.changeSink(30, new ReportingSink());
        w.changeSink(50, deadLetters);
    }
}
