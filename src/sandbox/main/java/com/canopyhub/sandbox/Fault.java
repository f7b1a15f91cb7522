package com.canopyhub.sandbox;

import java.time.Duration;

/** A fault the sandbox injects into one upcoming request. */
public record Fault(Kind kind, int status, long retryAfterSeconds, Duration delay) {

    public enum Kind { NONE, STATUS, SLOW, MALFORMED_BODY }

    /** No fault: the request is answered normally (spaces out a planned sequence of faults). */
    public static Fault none() {
        return new Fault(Kind.NONE, 200, -1, Duration.ZERO);
    }

    /** 429 Too Many Requests with a Retry-After in seconds. */
    public static Fault tooManyRequests(long retryAfterSeconds) {
        return new Fault(Kind.STATUS, 429, retryAfterSeconds, Duration.ZERO);
    }

    public static Fault status(int status) {
        return new Fault(Kind.STATUS, status, -1, Duration.ZERO);
    }

    /** Answers normally, but only after {@code delay} (longer than the client's read timeout: a timeout). */
    public static Fault slow(Duration delay) {
        return new Fault(Kind.SLOW, 200, -1, delay);
    }

    /** 200 with a truncated, unparseable JSON body. */
    public static Fault malformedBody() {
        return new Fault(Kind.MALFORMED_BODY, 200, -1, Duration.ZERO);
    }
}
