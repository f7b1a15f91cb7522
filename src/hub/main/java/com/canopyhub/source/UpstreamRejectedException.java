package com.canopyhub.source;

/** Any other 4xx: the upstream rejected this request as it stands. Not retried; recorded as a dead letter. */
public class UpstreamRejectedException extends UpstreamException {
    public UpstreamRejectedException(String system, String request, int status, String message) {
        super(system, request, status, message, null);
    }
}
