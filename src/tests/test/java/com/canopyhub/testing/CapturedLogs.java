package com.canopyhub.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log event of the JVM while open (the root logger's), to prove what a run never logs. */
public final class CapturedLogs implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public CapturedLogs() {
        appender.start();
        root.addAppender(appender);
    }

    /** Whether any captured message, or the message of any logged exception, contains {@code text}. */
    public boolean mention(String text) {
        List<ILoggingEvent> events = List.copyOf(appender.list);
        return events.stream().anyMatch(e -> e.getFormattedMessage().contains(text)
                || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(text)));
    }

    @Override
    public void close() {
        root.detachAppender(appender);
    }
}
