package com.canopyhub.source.origintrace;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.config.HubSettings;
import org.junit.jupiter.api.Test;

/** check-config's schedule advice for OriginTrace: requests per complete pass, and the schedule a budget allows. */
class OriginTraceScheduleAdviceTest {

    @Test
    void a_pass_costs_one_page_then_a_page_per_limit_minus_one_records() {
        assertThat(OriginTraceSettings.requestsPerPass(0, 500)).isEqualTo(1);
        assertThat(OriginTraceSettings.requestsPerPass(500, 500)).isEqualTo(1);
        assertThat(OriginTraceSettings.requestsPerPass(501, 500)).isEqualTo(2);
        assertThat(OriginTraceSettings.requestsPerPass(999, 500)).isEqualTo(2);
        assertThat(OriginTraceSettings.requestsPerPass(1_000, 500)).isEqualTo(3);
        // 100k farms + 100k batches + 10k shipments: 423 requests against a minimum of 420
        assertThat(2 * OriginTraceSettings.requestsPerPass(100_000, 500) + OriginTraceSettings.requestsPerPass(10_000, 500))
                .isEqualTo(423);
    }

    @Test
    void the_recommended_schedule_is_the_most_frequent_usual_one_the_usable_budget_allows() {
        assertThat(OriginTraceSettings.recommendedSchedule(3, 950).cron()).isEqualTo("0 0/5 * * * ?");
        assertThat(OriginTraceSettings.recommendedSchedule(423, 950)).isEqualTo(new OriginTraceSettings.Schedule("30 minutes", "0 0/30 * * * ?"));
        assertThat(OriginTraceSettings.recommendedSchedule(4_010, 950).cron()).isEqualTo("0 0 0/6 * * ?");
        assertThat(OriginTraceSettings.recommendedSchedule(40_000, 950).every()).startsWith("2 days");
    }

    @Test
    void check_config_advises_from_the_records_held_or_for_typical_sizes() {
        HubSettings settings = HubSettings.resolve(k -> java.util.Optional.empty(), java.util.Set.of());
        assertThat(OriginTraceSettings.MODULE.advice(settings, table -> switch (table) {
            case "farms", "collection_batches" -> 100_000L;
            case "shipments" -> 10_000L;
            default -> -1L;
        })).containsExactly("210,000 records held: a complete pass takes 423 requests (26.7 min at 950 usable requests an hour); "
                + "schedule it no more often than every 30 minutes: hub.origintrace.schedule = 0 0/30 * * * ?");
        assertThat(OriginTraceSettings.MODULE.advice(settings, table -> -1L)).hasSize(5).first().asString()
                .startsWith("no records held yet; at 950 usable requests an hour");
    }
}
