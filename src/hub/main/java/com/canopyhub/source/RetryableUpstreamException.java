package com.canopyhub.source;

import java.time.Duration;
import java.util.Optional;

/** A transient upstream failure (429, 5xx, timeout, broken body) that is worth retrying with backoff. */
public class RetryableUpstreamException extends UpstreamException {

    private final Duration retryAfter;

    public RetryableUpstreamException(String system, String request, int status, String message,
                                      Duration retryAfter, Throwable cause) {
        super(system, request, status, message, cause);
        this.retryAfter = retryAfter;
    }

    /** The server's Retry-After, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
