package com.canopyhub.db;

import java.util.Arrays;

/**
 * A growable byte array written in network order (big-endian): what PostgreSQL's binary COPY reads
 * ({@link BinaryCopyIn}) and what the content hash digests (engine/changes/ContentHasher). One owner, reused.
 */
public final class BigEndianBytes {

    private byte[] buf;
    private int length;

    public BigEndianBytes(int capacity) {
        this.buf = new byte[Math.max(16, capacity)];
    }

    /** Empties it for the next use (the array is kept). */
    public void clear() {
        length = 0;
    }

    /** The bytes written so far are {@code array()[0 .. length())}. */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return length;
    }

    public void int8(int v) {
        room(1);
        buf[length++] = (byte) v;
    }

    public void int16(int v) {
        room(2);
        buf[length++] = (byte) (v >>> 8);
        buf[length++] = (byte) v;
    }

    public void int32(int v) {
        room(4);
        buf[length++] = (byte) (v >>> 24);
        buf[length++] = (byte) (v >>> 16);
        buf[length++] = (byte) (v >>> 8);
        buf[length++] = (byte) v;
    }

    public void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    /** The bytes as they are (no length before them). */
    public void bytes(byte[] b) {
        room(b.length);
        System.arraycopy(b, 0, buf, length, b.length);
        length += b.length;
    }

    private void room(int more) {
        if (length + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, length + more));
        }
    }
}
