package com.canopyhub.source;

import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * Runs when an exception occurs, before the error handler computes its next delay: a server's Retry-After
 * becomes that delay (capped), otherwise the exponential backoff applies. Redelivery policies have no
 * Retry-After option, hence this hook ({@code onExceptionOccurredRef} in routes/errors.camel.yaml).
 */
public class RetryAfterDelay implements Processor {

    private final long maxDelayMillis;
    private final UpstreamMeters meters;

    public RetryAfterDelay(Duration maxDelay, UpstreamMeters meters) {
        this.maxDelayMillis = maxDelay.toMillis();
        this.meters = meters;
    }

    @Override
    public void process(Exchange exchange) {
        Throwable t = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t instanceof RetryableUpstreamException r && r.retryAfter().isPresent()) {
            long delay = Math.min(r.retryAfter().get().toMillis(), maxDelayMillis);
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, delay);
            meters.upstreamWaited(r.system(), Duration.ofMillis(delay));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
