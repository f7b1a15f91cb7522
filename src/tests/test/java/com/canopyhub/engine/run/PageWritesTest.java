package com.canopyhub.engine.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The write-behind's promises, on its own: order, the bound, failures on the run's thread, a clean stop. */
class PageWritesTest {

    private final ExecutorService writers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        writers.shutdownNow();
    }

    @Test
    void pages_commit_one_at_a_time_in_page_order_even_on_many_writer_threads() throws Exception {
        PageWrites writes = new PageWrites(writers, 2);
        List<Integer> committed = new CopyOnWriteArrayList<>();
        AtomicBoolean overlapping = new AtomicBoolean();
        AtomicBoolean busy = new AtomicBoolean();
        for (int page = 1; page <= 50; page++) {
            int p = page;
            writes.submit(List.of("r" + p), () -> {
                if (!busy.compareAndSet(false, true)) {
                    overlapping.set(true);
                }
                committed.add(p);
                busy.set(false);
            });
        }
        writes.drain();
        assertThat(committed).hasSize(50).isSorted();
        assertThat(overlapping).as("two pages' transactions at once").isFalse();
    }

    @Test
    void at_most_depth_pages_wait_the_run_is_held_until_one_committed() throws Exception {
        PageWrites writes = new PageWrites(writers, 1);
        CountDownLatch release = new CountDownLatch(1);
        writes.submit(List.of("a"), () -> await(release));
        CountDownLatch secondQueued = new CountDownLatch(1);
        Thread run = new Thread(() -> {
            try {
                writes.submit(List.of("b"), () -> { });
                secondQueued.countDown();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        run.start();
        assertThat(secondQueued.await(300, TimeUnit.MILLISECONDS)).as("page 2 queued while page 1 still writes").isFalse();
        release.countDown();
        assertThat(secondQueued.await(10, TimeUnit.SECONDS)).isTrue();
        run.join();
        writes.drain();
    }

    @Test
    void a_failed_write_is_thrown_on_the_run_thread_and_no_later_page_is_written() throws Exception {
        PageWrites writes = new PageWrites(writers, 2);
        List<Integer> committed = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        writes.submit(List.of("1"), () -> {
            await(release);
            throw new SQLException("disk full", "53100");
        });
        writes.submit(List.of("2"), () -> committed.add(2));
        release.countDown();
        assertThatThrownBy(() -> writes.submit(List.of("3"), () -> committed.add(3)))
                .isInstanceOf(SQLException.class).hasMessage("disk full");
        writes.abandon();
        assertThat(committed).as("pages after the failed one").isEmpty();
    }

    @Test
    void a_record_on_a_page_still_being_written_is_held_until_it_committed() throws Exception {
        PageWrites writes = new PageWrites(writers, 1);
        CountDownLatch release = new CountDownLatch(1);
        writes.submit(List.of("moved", "other"), () -> await(release));
        assertThat(writes.holds(List.of("x", "moved"))).isTrue();
        assertThat(writes.holds(List.of("x", "y"))).isFalse();
        release.countDown();
        writes.drain();
        assertThat(writes.holds(List.of("moved"))).isFalse();
    }

    @Test
    void abandoning_drops_pages_not_begun_and_waits_for_the_one_being_written() throws Exception {
        PageWrites writes = new PageWrites(writers, 2);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean firstDone = new AtomicBoolean();
        AtomicBoolean secondRan = new AtomicBoolean();
        writes.submit(List.of("1"), () -> {
            started.countDown();
            await(release);
            firstDone.set(true);
        });
        writes.submit(List.of("2"), () -> secondRan.set(true));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Thread run = Thread.currentThread();
        Thread releaser = new Thread(() -> {
            // the page being written ends only once abandon() waits for it
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> run.getState() == Thread.State.WAITING);
            release.countDown();
        });
        releaser.start();
        writes.abandon();
        assertThat(firstDone).as("the page being written finished before abandon returned").isTrue();
        assertThat(secondRan).as("the page not begun").isFalse();
        writes.drain(); // nothing left
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
