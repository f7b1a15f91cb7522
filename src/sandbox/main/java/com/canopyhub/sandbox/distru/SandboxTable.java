package com.canopyhub.sandbox.distru;

import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The state of one sandbox collection: per record only its version and timestamps, since record contents are
 * generated from (seed, index, version). An unpublished change keeps serving the previous version until it
 * becomes visible, the way Distru's eventually consistent reads behave.
 */
final class SandboxTable {

    private int size;
    private int[] version;
    private int[] previousVersion;
    private long[] updatedAt;
    private long[] previousUpdatedAt;
    private long[] visibleAt;
    private final BitSet malformed = new BitSet();
    /** Records deleted in Distru: no longer served by any list (Distru has no deletion feed). */
    private final BitSet deleted = new BitSet();
    private final Map<Integer, Poison> poisoned = new HashMap<>();

    SandboxTable(int size, long firstUpdatedAtMillis, long stepMillis) {
        this.size = size;
        int cap = Math.max(1, size);
        version = new int[cap];
        previousVersion = new int[cap];
        updatedAt = new long[cap];
        previousUpdatedAt = new long[cap];
        visibleAt = new long[cap];
        Arrays.fill(previousVersion, -1);
        for (int i = 0; i < size; i++) {
            updatedAt[i] = firstUpdatedAtMillis + i * stepMillis;
        }
    }

    synchronized int size() {
        return size;
    }

    /** A new version of record {@code i} updated at {@code now}, readable from {@code now + visibilityLag}. */
    synchronized void touch(int i, long nowMillis, long visibilityLagMillis) {
        check(i);
        if (visibleAt[i] <= nowMillis) {
            previousVersion[i] = version[i];
            previousUpdatedAt[i] = updatedAt[i];
        }
        version[i]++;
        updatedAt[i] = nowMillis;
        visibleAt[i] = nowMillis + visibilityLagMillis;
    }

    /** Like {@link #touch}, but the change stays unreadable until {@code visibleAtMillis}. */
    synchronized void touchVisibleAt(int i, long updatedAtMillis, long visibleAtMillis) {
        check(i);
        previousVersion[i] = version[i];
        previousUpdatedAt[i] = updatedAt[i];
        version[i]++;
        updatedAt[i] = updatedAtMillis;
        visibleAt[i] = visibleAtMillis;
    }

    synchronized void setMalformed(int i, boolean bad) {
        check(i);
        malformed.set(i, bad);
    }

    synchronized void setPoison(int i, Poison poison) {
        check(i);
        if (poison == null) {
            poisoned.remove(i);
        } else {
            poisoned.put(i, poison);
        }
    }

    synchronized Poison poison(int i) {
        return poisoned.isEmpty() ? null : poisoned.get(i);
    }

    synchronized boolean malformed(int i) {
        return malformed.get(i);
    }

    synchronized void setDeleted(int i, boolean gone) {
        check(i);
        deleted.set(i, gone);
    }

    /** Version readable at {@code now}, or -1 when the record does not exist (yet, or any more) for readers. */
    synchronized int readableVersion(int i, long nowMillis) {
        if (deleted.get(i)) {
            return -1;
        }
        return visibleAt[i] <= nowMillis ? version[i] : previousVersion[i];
    }

    synchronized long readableUpdatedAt(int i, long nowMillis) {
        return visibleAt[i] <= nowMillis ? updatedAt[i] : previousUpdatedAt[i];
    }

    private void check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("record " + i + " of " + size);
        }
    }
}
