package com.canopyhub.db;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who owns an embedded data directory. The hub that starts the embedded PostgreSQL holds an OS file lock beside the
 * data directory ({@code <data-dir>.hub.lock}) for as long as it runs; the OS frees it when the process ends, even
 * by kill -9. So at the next start:
 * <ul>
 *   <li>the lock is free but a server still runs on the directory (PostgreSQL outlives a killed hub: pg_ctl started
 *       it detached): an orphan, stopped before a new one starts;</li>
 *   <li>the lock is held: a live hub runs the server; this process (status, webhooks, a sync beside `run`) connects
 *       to that server instead of starting a second one on the same files.</li>
 * </ul>
 */
final class EmbeddedOwnership implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedOwnership.class);
    private static final Duration ORPHAN_STOP = Duration.ofSeconds(15);

    private final FileChannel channel;
    private final FileLock lock;

    private EmbeddedOwnership(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The running server of a live hub that owns the directory: its port, and that hub's pid. */
    record LiveServer(int port, String ownerPid) {
    }

    /** Takes the directory for this process (stopping an orphaned server first); empty if a live hub owns it. */
    static Optional<EmbeddedOwnership> take(Path dataDir) throws IOException {
        Path lockFile = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".hub.lock");
        Files.createDirectories(lockFile.getParent());
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this JVM holds it already (a second hub in one JVM: tests)
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        channel.truncate(0);
        channel.write(java.nio.ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8)));
        stopOrphan(dataDir);
        return Optional.of(new EmbeddedOwnership(channel, lock));
    }

    /** The server a live hub runs on the directory (read from PostgreSQL's postmaster.pid), if one answers there. */
    static Optional<LiveServer> liveServer(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.size() < 4 || ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive).isEmpty()) {
            return Optional.empty();
        }
        Path lockFile = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".hub.lock");
        String owner = Files.exists(lockFile) ? Files.readString(lockFile, StandardCharsets.UTF_8).trim() : "?";
        return Optional.of(new LiveServer(Integer.parseInt(lines.get(3).trim()), owner));
    }

    /** A server on the directory with no live hub behind it (its hub was killed): stopped, fast, so it can start anew. */
    private static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            return;
        }
        Optional<ProcessHandle> server;
        try {
            server = ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
        } catch (NumberFormatException e) {
            return;
        }
        if (server.isEmpty()) {
            return; // a stale pid file: PostgreSQL clears it itself
        }
        ProcessHandle p = server.get();
        LOG.warn("The embedded PostgreSQL in {} is still running (pid {}) although no hub owns it (its hub was killed); "
                + "stopping it before starting a new one", dataDir.toAbsolutePath(), p.pid());
        p.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with the hub
        try {
            p.onExit().get(ORPHAN_STOP.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.warn("The orphaned PostgreSQL (pid {}) did not stop within {} s; killing it", p.pid(), ORPHAN_STOP.toSeconds());
            p.destroyForcibly();
            try {
                p.onExit().get(ORPHAN_STOP.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // the start that follows reports a server that is still there
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
