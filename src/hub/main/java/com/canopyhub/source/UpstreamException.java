package com.canopyhub.source;

/**
 * A failed call to an upstream system. Messages name the system, the request (method and path, never
 * credentials) and the status, so they are safe for logs and {@code hub.sync_runs.error}.
 */
public abstract class UpstreamException extends RuntimeException {

    private final String system;
    private final String request;
    private final int status;

    protected UpstreamException(String system, String request, int status, String message, Throwable cause) {
        super(system + " " + request + " -> " + (status > 0 ? "HTTP " + status + ": " : "") + message, cause);
        this.system = system;
        this.request = request;
        this.status = status;
    }

    public String system() {
        return system;
    }

    public String request() {
        return request;
    }

    /**
     * True when no other stream of the same source can succeed either (wrong credentials, upstream unreachable):
     * the pass stops and its remaining streams are SKIPPED with this error, instead of each failing slowly.
     */
    public boolean endsThePass() {
        return false;
    }

    /**
     * True when the other partitions of the source can still succeed but this one cannot (403 for one licence: the
     * key lacks access to that facility): its remaining streams are SKIPPED, the other partitions carry on.
     */
    public boolean endsThePartition() {
        return false;
    }

    /** HTTP status, or 0 when no response arrived (timeout, connection failure). */
    public int status() {
        return status;
    }
}
