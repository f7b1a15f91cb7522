package com.canopyhub.engine.run;

/**
 * The records an open-ended run was served, as 64-bit hashes of (source id → content hash), in an open-addressing
 * table (about 32 bytes a record). It answers one question: was this record served before in the run, in another
 * version? In a list not kept in creation order, that is how a record that moved past the read position shows
 * itself (docs/sync-engine.md, "Lists not in creation order").
 */
public final class ServedVersions {

    private static final long EMPTY = 0;
    private long[] keys = new long[2048];
    private long[] values = new long[2048];
    private int size;

    /**
     * Records that {@code sourceId} was served with {@code contentHash}; true when it had been served before with
     * another content (it changed, and was served again, during the run).
     */
    public synchronized boolean servedAgainChanged(String sourceId, String contentHash) {
        long key = nonZero(SeenIds.hash(sourceId));
        long value = SeenIds.hash(contentHash);
        int mask = keys.length - 1;
        int slot = (int) (key ^ (key >>> 32)) & mask;
        while (keys[slot] != EMPTY) {
            if (keys[slot] == key) {
                boolean changed = values[slot] != value;
                values[slot] = value;
                return changed;
            }
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return false;
    }

    public synchronized int size() {
        return size;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldKeys.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                int slot = (int) (oldKeys[i] ^ (oldKeys[i] >>> 32)) & mask;
                while (keys[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }

    private static long nonZero(long h) {
        return h == EMPTY ? 1 : h;
    }
}
