package com.canopyhub.engine.run;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * When each source's scheduled pass is due next, from the same cron expressions the routes' Quartz triggers use
 * ({@code hub.<source>.schedule}), so `run` can tell the operator what it will do and when.
 */
public final class PassSchedule {

    private final Map<String, CronExpression> crons = new LinkedHashMap<>();
    private final Map<String, String> expressions = new LinkedHashMap<>();
    private final Clock clock;

    /** @param schedules source to Quartz cron expression; empty when scheduled syncs are off */
    public PassSchedule(Map<String, String> schedules, Clock clock) {
        this.clock = clock;
        schedules.forEach((source, cron) -> {
            try {
                CronExpression e = new CronExpression(cron);
                e.setTimeZone(TimeZone.getDefault()); // Quartz's triggers evaluate in the JVM's zone too
                crons.put(source, e);
                expressions.put(source, cron);
            } catch (ParseException e) {
                throw new IllegalArgumentException("hub." + source + ".schedule: " + e.getMessage(), e);
            }
        });
    }

    public static PassSchedule none(Clock clock) {
        return new PassSchedule(Map.of(), clock);
    }

    /** The next firing of the source's schedule after now; empty when it has none. */
    public Optional<Instant> next(String source) {
        CronExpression e = crons.get(source);
        if (e == null) {
            return Optional.empty();
        }
        Date next = e.getNextValidTimeAfter(Date.from(clock.instant()));
        return Optional.ofNullable(next).map(Date::toInstant);
    }

    /**
     * The longest gap between the source's next firings (over the next ten, so an irregular cron counts its widest
     * gap); empty when it has no schedule.
     */
    public Optional<java.time.Duration> period(String source) {
        CronExpression e = crons.get(source);
        if (e == null) {
            return Optional.empty();
        }
        Date at = e.getNextValidTimeAfter(Date.from(clock.instant()));
        java.time.Duration widest = null;
        for (int i = 0; i < 10 && at != null; i++) {
            Date next = e.getNextValidTimeAfter(at);
            if (next == null) {
                break;
            }
            java.time.Duration gap = java.time.Duration.between(at.toInstant(), next.toInstant());
            widest = widest == null || gap.compareTo(widest) > 0 ? gap : widest;
            at = next;
        }
        return Optional.ofNullable(widest);
    }

    /** One line per scheduled source, e.g. {@code distru (cron 0 0/5 * * * ?): next pass at 2026-…}. */
    public String describe() {
        if (crons.isEmpty()) {
            return "no scheduled syncs (hub.schedule.enabled=false)";
        }
        StringBuilder sb = new StringBuilder();
        for (String source : crons.keySet()) {
            if (!sb.isEmpty()) {
                sb.append("; ");
            }
            sb.append(source).append(" (cron ").append(expressions.get(source)).append("): next pass at ")
                    .append(next(source).map(Instant::toString).orElse("never (the cron expression has no future firing)"));
        }
        return sb.toString();
    }
}
