package com.canopyhub.engine.run;

import java.util.Arrays;

/**
 * The source ids a snapshot run was served, kept as 64-bit hashes (8 bytes a record: a million records take 8 MB,
 * where the strings would take a hundred), so a complete pass can tell which stored records it no longer saw.
 *
 * <p>A hash collision could make a gone record look seen: it would keep its last state one more pass (the next pass
 * hashes the same ids, so it would stay until the other record goes too). For ids that are not chosen to collide the
 * chance is about n / 2⁶⁴ per gone record (5 × 10⁻¹⁴ for a million served records); a seen record is never taken
 * for gone. An id the run could not identify (a rejected record without one) {@link #spoil spoils} the set: such a
 * pass proves no absence.
 */
public final class SeenIds {

    private long[] hashes = new long[1024];
    private int size;
    private boolean sorted = true;
    private String spoiled;

    public synchronized void add(String sourceId) {
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, hashes.length * 2);
        }
        hashes[size++] = hash(sourceId);
        sorted = false;
    }

    /** A record was served that cannot be identified: no absence can be proven by this pass. */
    public synchronized void spoil(String why) {
        if (spoiled == null) {
            spoiled = why;
        }
    }

    /** Why this pass proves no absence, or null. */
    public synchronized String spoiled() {
        return spoiled;
    }

    public synchronized boolean contains(String sourceId) {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        return Arrays.binarySearch(hashes, 0, size, hash(sourceId)) >= 0;
    }

    /** How many different ids were added. */
    public synchronized int distinct() {
        if (!sorted) {
            Arrays.sort(hashes, 0, size);
            sorted = true;
        }
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (i == 0 || hashes[i] != hashes[i - 1]) {
                n++;
            }
        }
        return n;
    }

    public synchronized int size() {
        return size;
    }

    /** FNV-1a over the UTF-16 units, then the SplitMix64 finaliser so that every bit depends on every input bit. */
    static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= s.length();
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        return h ^ (h >>> 31);
    }
}
