package com.canopyhub.engine.changes;

import com.canopyhub.db.BinaryCopyIn;
import com.canopyhub.db.BinaryCopyIn.Type;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Appends one {@code hub.record_changes} row per changed record (by binary COPY): the audit trail of what changed, when and by which run. */
public class RecordChangeLog implements ChangeSink {

    public static final List<String> COLUMNS = List.of("stream", "partition", "source_system", "source_id", "canonical_id",
            "change_type", "old_hash", "new_hash", "sync_run_id");
    /** Their PostgreSQL types, for binary COPY (CopyTypesTest holds them against the catalogue). */
    public static final List<Type> TYPES = List.of(Type.TEXT, Type.TEXT, Type.TEXT, Type.TEXT, Type.UUID, Type.TEXT, Type.TEXT,
            Type.TEXT, Type.INT8);

    @Override
    public String name() {
        return "record-changes";
    }

    @Override
    public void accept(Connection tx, ChangeBatch batch) throws SQLException {
        prepare(batch).to(tx);
    }

    /** The rows, encoded before the transaction. */
    @Override
    public Write prepare(ChangeBatch batch) {
        BinaryCopyIn copy = new BinaryCopyIn("hub.record_changes", COLUMNS, TYPES, batch.changes().size() * 300);
        for (Change ch : batch.changes()) {
            copy.field(batch.stream()).field(batch.partition()).field(batch.sourceSystem()).field(ch.record().provenance().sourceId())
                    .field(ch.record().canonicalId()).field(ch.kind())
                    .field(ch.oldHash()).field(ch.newHash()).field(batch.syncRunId());
            copy.endRow();
        }
        copy.encode();
        return copy::execute;
    }
}
