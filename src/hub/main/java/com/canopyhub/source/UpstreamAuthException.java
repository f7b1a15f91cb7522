package com.canopyhub.source;

/** 401/403: the credentials are wrong or lack access. Retrying cannot help; the run fails at once. */
public class UpstreamAuthException extends UpstreamException {
    public UpstreamAuthException(String system, String request, int status, String message) {
        super(system, request, status, message + " (the key is never shown)", null);
    }

    /** 401: the credentials are wrong for every partition. */
    @Override
    public boolean endsThePass() {
        return status() == 401;
    }

    /** 403: no access to this partition (e.g. one licence); the others may be fine. */
    @Override
    public boolean endsThePartition() {
        return status() == 403;
    }
}
