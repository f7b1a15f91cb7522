package com.canopyhub.source;

/**
 * No connection to the upstream at all: connection refused, unknown host, no route. Unlike a timeout or a 5xx
 * this is not a blip a retry rides out within seconds (the service is down, or the URL is wrong), so the pass
 * ends at once, its remaining streams SKIPPED, and the next scheduled pass tries again.
 */
public class UpstreamUnreachableException extends UpstreamException {
    public UpstreamUnreachableException(String system, String request, String baseUrlSetting, Throwable cause) {
        super(system, request, 0, "unreachable (" + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                + "); check " + baseUrlSetting + " and that the service is up", cause);
    }

    @Override
    public boolean endsThePass() {
        return true;
    }
}
