package com.canopyhub.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Pacing by a budget announced in headers, against a fixed hourly window kept on the same simulated clock: the
 * requests the reserve leaves are used, the count never reaches the reserve, and a short pass does not wait.
 */
class HeaderBudgetTest {

    /** A server's budget: a fixed window from the first request, {@code limit} requests in it. */
    private static final class Window {
        final MutableClock clock;
        final int limit;
        Instant start;
        int used;
        int lowest = Integer.MAX_VALUE;
        int refused;

        Window(MutableClock clock, int limit) {
            this.clock = clock;
            this.limit = limit;
        }

        /** Answers one request: the headers' values. */
        String[] answer() {
            Instant now = clock.instant();
            if (start == null || !now.isBefore(start.plus(Duration.ofHours(1)))) {
                start = now;
                used = 0;
            }
            if (used >= limit) {
                refused++;
            } else {
                used++;
            }
            lowest = Math.min(lowest, limit - used);
            return new String[] {Integer.toString(limit - used), Long.toString(start.plus(Duration.ofHours(1)).getEpochSecond())};
        }
    }

    @Test
    void a_long_pass_uses_what_the_reserve_leaves_and_never_runs_the_budget_down() {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        Window server = new Window(clock, 1000);
        HeaderBudget budget = new HeaderBudget("test", 1000, 5, clock);
        Instant start = clock.instant();
        int requests = 0;
        while (Duration.between(start, clock.instant()).compareTo(Duration.ofHours(3)) < 0) {
            budget.beforeRequest();
            clock.advance(Duration.ofMillis(200)); // the request's own latency
            String[] h = server.answer();
            budget.answered(h[0], h[1]);
            requests++;
        }
        assertThat(server.refused).isZero();
        assertThat(server.lowest).as("the reserve of 50 is kept").isGreaterThanOrEqualTo(49);
        double share = requests / (3.0 * 950);
        assertThat(share).as("requests %d in 3 h", requests).isBetween(0.9, 1.02);
    }

    @Test
    void a_short_pass_goes_at_once_and_a_spent_budget_waits_for_its_reset() {
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        Window server = new Window(clock, 1000);
        HeaderBudget budget = new HeaderBudget("test", 1000, 5, clock);
        for (int i = 0; i < 40; i++) {
            budget.beforeRequest();
            String[] h = server.answer();
            budget.answered(h[0], h[1]);
        }
        assertThat(budget.waitedMillis()).as("40 requests fit the burst").isZero();

        MutableClock small = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        Window tight = new Window(small, 60);
        HeaderBudget paced = new HeaderBudget("test", 60, 5, small);
        for (int i = 0; i < 60; i++) {
            paced.beforeRequest();
            String[] h = tight.answer();
            paced.answered(h[0], h[1]);
        }
        assertThat(tight.refused).isZero();
        assertThat(tight.lowest).isGreaterThanOrEqualTo(2);
        assertThat(Duration.between(Instant.parse("2026-06-01T00:00:00Z"), small.instant()))
                .as("57 usable an hour: the 58th request waits for the next window").isGreaterThan(Duration.ofHours(1));
    }
}
