package com.canopyhub.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.CompositeConverter;

/**
 * Logback {@code %mask(...)}: every log line, exception text included, passes {@link SecretRedactor#maskPatterns}
 * (bearer tokens, passwords in URLs), whatever library logged it. Messages the hub writes are redacted at the
 * source already; this is the second line of defence for the ones it does not write (Camel, Hikari, pgjdbc).
 */
public class MaskingConverter extends CompositeConverter<ILoggingEvent> {

    @Override
    protected String transform(ILoggingEvent event, String in) {
        return SecretRedactor.maskPatterns(in);
    }
}
