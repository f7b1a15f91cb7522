package com.canopyhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.canopyhub.sandbox.distru.DistruSandbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

/**
 * A scheduled pass that runs through several firings of its schedule is followed by one catch-up pass, not by
 * every firing it missed run back to back (Quartz's default misfire threshold of 60 s would queue them).
 */
@CamelMainTest(configurationClasses = HubConfiguration.class,
        propertyPlaceholderLocations = "file:config/application.properties",
        properties = {
                "hub.embedded.data-dir=target/schedule-coalescing-test/postgres",
                "hub.sandbox.records=5",
                "hub.sandbox.churn-per-minute=0",
                "hub.distru.requests-per-second=200",
                "hub.distru.read-timeout-ms=60000",
                "hub.distru.streams=strains",
                "hub.sync.sources=distru",
                "hub.schedule.enabled=true",
                "hub.distru.schedule=0/2 * * * * ?",
                "hub.http.port=0"
        })
class ScheduleCoalescingTest {

    @BeanInject
    CamelContext context;

    @Test
    void a_pass_that_overran_several_firings_is_followed_by_one_catch_up_pass() throws Exception {
        DistruSandbox sandbox = context.getRegistry().lookupByNameAndType("distruSandbox", DistruSandbox.class);
        AtomicReference<Long> blockedAt = new AtomicReference<>();
        CountDownLatch release = new CountDownLatch(1);
        sandbox.onPageRequested((collection, page) -> {
            if (blockedAt.compareAndSet(null, System.nanoTime())) {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> blockedAt.get() != null);
        // the schedule fires every 2 s: let at least three firings pass while the first pass is stuck
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - blockedAt.get() >= Duration.ofSeconds(7).toNanos());
        OffsetDateTime releasedAt = now();
        release.countDown();

        await().atMost(Duration.ofSeconds(30)).until(() -> passesStartedSince(releasedAt.minusSeconds(60)) >= 2);
        // the catch-up pass runs at once; the next regular firing may follow within the same second, no more
        await().atMost(Duration.ofSeconds(30)).until(() -> now().isAfter(releasedAt.plusSeconds(2)));
        assertThat(passesStartedBetween(releasedAt, releasedAt.plusNanos(1_500_000_000L)))
                .as("passes started within 1.5 s of the slow one's end").isBetween(1L, 2L);
    }

    private OffsetDateTime now() throws Exception {
        return single(OffsetDateTime.class, "SELECT now()");
    }

    private long passesStartedSince(OffsetDateTime t) throws Exception {
        return single(Long.class, "SELECT count(DISTINCT pass_id) FROM hub.sync_runs WHERE trigger = 'schedule' "
                + "AND started_at >= ?", t);
    }

    private long passesStartedBetween(OffsetDateTime from, OffsetDateTime to) throws Exception {
        return single(Long.class, "SELECT count(DISTINCT pass_id) FROM hub.sync_runs WHERE trigger = 'schedule' "
                + "AND started_at >= ? AND started_at < ?", from, to);
    }

    private <T> T single(Class<T> type, String sql, Object... params) throws Exception {
        DataSource ds = context.getRegistry().lookupByNameAndType("hubDataSource", DataSource.class);
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, type);
            }
        }
    }
}
