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

    public RetryAfterDelay(Duration maxDelay) {
        this.maxDelayMillis = maxDelay.toMillis();
    }

    @Override
    public void process(Exchange exchange) {
        Throwable t = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        if (t instanceof RetryableUpstreamException r && r.retryAfter().isPresent()) {
            exchange.getIn().setHeader(Exchange.REDELIVERY_DELAY, Math.min(r.retryAfter().get().toMillis(), maxDelayMillis));
        } else {
            exchange.getIn().removeHeader(Exchange.REDELIVERY_DELAY);
        }
    }
}
