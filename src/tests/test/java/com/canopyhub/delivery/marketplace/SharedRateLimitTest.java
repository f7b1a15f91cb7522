package com.canopyhub.delivery.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** One key's budget shared by two "nodes" (limiters with their own connections) through PostgreSQL. */
class SharedRateLimitTest {

    @Test
    void two_nodes_sharing_a_key_stay_spaced_so_no_sliding_minute_holds_more_than_the_limit() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0)).start()) {
            PGSimpleDataSource other = new PGSimpleDataSource();
            other.setUrl(h.jdbcUrl);
            other.setUser("postgres");
            DataSource hub = h.hub().bean("hubDataSource", DataSource.class);
            // 600 a minute at 0.95: a slot every 105.3 ms, whoever asks
            SharedRateLimit nodeA = new SharedRateLimit(hub, "tv_live_shared_key", 600, 0.95);
            SharedRateLimit nodeB = new SharedRateLimit(other, "tv_live_shared_key", 600, 0.95);
            SharedRateLimit otherKey = new SharedRateLimit(other, "tv_live_another_key", 600, 0.95);
            assertThat(nodeA.spacing().toNanos()).isEqualTo(105_264_000L);

            List<Long> slots = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    SharedRateLimit limiter = t % 2 == 0 ? nodeA : nodeB;
                    work.add(pool.submit(() -> {
                        for (int i = 0; i < 5; i++) {
                            slots.add(limiter.acquire().atMicros());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : work) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            List<Long> sorted = slots.stream().sorted().toList();
            assertThat(sorted).hasSize(30).doesNotHaveDuplicates();
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(sorted.get(i) - sorted.get(i - 1)).as("slot %d after %d", i, i - 1).isGreaterThanOrEqualTo(105_264L);
            }
            // back to back: the reservations pipeline, so the key's budget is used, not idled away
            assertThat(sorted.get(29) - sorted.get(0)).isLessThan(29 * 105_264L + 500_000L);
            // another key has its own budget
            assertThat(otherKey.acquire().waited().toMillis()).isLessThan(50);
            assertThat(h.count("SELECT count(*) FROM hub.rate_limits WHERE key_hash LIKE 'tv_live%'")).as("keys stored hashed").isZero();
        }
    }
}
