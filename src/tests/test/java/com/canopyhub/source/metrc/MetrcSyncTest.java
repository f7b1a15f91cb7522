package com.canopyhub.source.metrc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.canopyhub.sandbox.Fault;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
import com.canopyhub.sandbox.metrc.MetrcSandbox.Endpoint;
import com.canopyhub.engine.run.StreamResult;
import com.canopyhub.engine.run.SyncReport;
import com.canopyhub.engine.run.SyncStatus;
import com.canopyhub.testing.HubHarness;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Metrc through the generic engine against the Metrc sandbox: licences as partitions, 24 h slices, Metrc's paging
 * and limits, exact mapping, incremental and no-op passes, per-licence failures.
 */
class MetrcSyncTest {

    private static final String CULTIVATOR = "SBX-0001";
    private static final String DISPENSARY = "SBX-0002";
    private static final Pattern WINDOW = Pattern.compile("lastModifiedStart=([^&]+)&lastModifiedEnd=([^&]+)");

    /** Only Metrc syncs; the clock is a minute past the sandbox's newest record, so the first pass sees them all. */
    private static HubHarness metrcOnly(MetrcSandbox.Options options, String... overrides) throws Exception {
        HubHarness h = new HubHarness(DistruSandbox.Options.defaults(0), overrides).withMetrc(options);
        h.set("hub.sync.sources", "metrc");
        h.clock.advance(Duration.ofMinutes(1));
        return h;
    }

    @Test
    void a_full_sync_maps_packages_items_strains_and_locations_exactly_and_a_second_pass_writes_nothing() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(2, 6).withHistory(Duration.ofDays(3));
        try (HubHarness h = metrcOnly(options).start()) {
            SyncReport first = h.syncSource("metrc");
            assertThat(first.ok()).as(first.table()).isTrue();
            // the cultivator syncs 21 streams, the dispensary 15 (harvests, plant batches, plants where the facility can
            // grow plants; sales receipts where it sells; strains, packages, items, locations, transfers, lab results and
            // units of measure everyone's)
            assertThat(first.results()).hasSize(36);
            assertThat(h.rows("SELECT abbreviation, quantity_type FROM reporting.units_of_measure WHERE name = 'Ounces'").get(0))
                    .containsEntry("abbreviation", "oz").containsEntry("quantity_type", "WeightBased");
            assertThat(h.count("SELECT count(*) FROM reporting.units_of_measure")).isEqualTo(7);
            assertThat(h.count("SELECT count(*) FROM reporting.sales_receipts WHERE license_number = ?", DISPENSARY)).isEqualTo(2 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.harvests")).isEqualTo(3 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.plant_batches")).isEqualTo(2 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.plants")).isEqualTo(3 * 6);
            assertThat(h.count("SELECT count(DISTINCT license_number) FROM reporting.plants")).isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots WHERE source_system = 'metrc'")).isEqualTo(2 * 4 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE source_system = 'metrc'")).isEqualTo(2 * 2 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.strains WHERE source_system = 'metrc'")).isEqualTo(2 * 6);
            assertThat(h.count("SELECT count(*) FROM reporting.products p WHERE p.source_system = 'metrc' AND p.strain_source_id IS NOT NULL "
                    + "AND NOT EXISTS (SELECT 1 FROM reporting.strains s WHERE s.source_system = 'metrc' AND s.source_id = p.strain_source_id)"))
                    .as("every item's strain was read, the dispensary's too").isZero();
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE source_system = 'metrc' AND description IS NOT NULL"))
                    .as("items' Description").isPositive();
            assertThat(h.count("SELECT count(*) FROM reporting.locations WHERE source_system = 'metrc'")).isEqualTo(2 * 6);

            MetrcSandbox m = h.metrc;
            String id = Long.toString(m.recordId(DISPENSARY, Endpoint.PACKAGES_ONHOLD, 4));
            Map<String, Object> lot = h.rows("SELECT * FROM reporting.inventory_lots WHERE source_system = 'metrc' AND source_id = ?", id).get(0);
            assertThat(lot.get("label")).isEqualTo(m.label(DISPENSARY, Endpoint.PACKAGES_ONHOLD, 4));
            assertThat(lot.get("license_number")).isEqualTo(DISPENSARY);
            assertThat(lot.get("status")).isEqualTo("onhold");
            assertThat((BigDecimal) lot.get("quantity")).isEqualByComparingTo(m.quantity(DISPENSARY, Endpoint.PACKAGES_ONHOLD, 4));
            assertThat(lot.get("quantity").toString()).isEqualTo(m.quantity(DISPENSARY, Endpoint.PACKAGES_ONHOLD, 4).toPlainString());
            assertThat(lot.get("quantity_unit")).isEqualTo(m.unitOfMeasure(DISPENSARY, Endpoint.PACKAGES_ONHOLD, 4));
            assertThat(lot.get("product_source_id")).isEqualTo(Long.toString(m.recordId(DISPENSARY, Endpoint.ITEMS_ACTIVE, 4)));
            assertThat(((OffsetDateTime) lot.get("expires_at")).toInstant().toString()).isEqualTo("2027-06-05T00:00:00Z");
            assertThat(lot.get("custom_data").toString()).contains("\"LabTestingState\": \"TestPassed\"");
            assertThat(lot.get("source_updated_at")).isNotNull();
            Map<String, Object> item = h.rows("SELECT * FROM reporting.products WHERE source_system = 'metrc' AND source_id = ?",
                    Long.toString(m.recordId(CULTIVATOR, Endpoint.ITEMS_INACTIVE, 1))).get(0);
            assertThat(item).containsEntry("name", "Item 1").containsEntry("active", false)
                    .containsEntry("category_name", "Infused Edible").containsEntry("strain_name", "Strain 1")
                    .containsEntry("unit_of_measure", "Each").containsEntry("license_number", CULTIVATOR);

            Map<String, Object> harvest = h.rows("SELECT * FROM reporting.harvests WHERE source_id = ?",
                    Long.toString(m.recordId(CULTIVATOR, Endpoint.HARVESTS_INACTIVE, 3))).get(0);
            assertThat(harvest).containsEntry("state", "inactive").containsEntry("harvest_type", "WholePlant")
                    .containsEntry("weight_unit", "Pounds").containsEntry("plant_count", 13).containsEntry("package_count", 3)
                    .containsEntry("drying_location_name", "Drying Room 3");
            assertThat(harvest.get("wet_weight").toString()).isEqualTo("12.75");
            assertThat(harvest.get("current_weight").toString()).isEqualTo("9.125");
            assertThat(((OffsetDateTime) harvest.get("finished_at")).toInstant().toString()).isEqualTo("2026-05-05T00:00:00Z");
            Map<String, Object> plant = h.rows("SELECT * FROM reporting.plants WHERE source_id = ?",
                    Long.toString(m.recordId(CULTIVATOR, Endpoint.PLANTS_FLOWERING, 2))).get(0);
            assertThat(plant).containsEntry("growth_phase", "Flowering").containsEntry("state", "flowering")
                    .containsEntry("location_name", "Flower Room").containsEntry("strain_name", "Strain 2")
                    .containsEntry("license_number", CULTIVATOR);
            assertThat(((OffsetDateTime) plant.get("flowering_at")).toInstant().toString()).isEqualTo("2026-05-03T00:00:00Z");
            assertThat(plant.get("harvested_at")).isNull();

            h.passSafetyLag();
            SyncReport second = h.syncSource("metrc");
            assertThat(second.ok()).isTrue();
            assertThat(second.total(StreamResult::written)).as("a no-op pass writes nothing").isZero();

            m.touch(DISPENSARY, Endpoint.PACKAGES_ACTIVE, 2);
            h.clock.advance(Duration.ofSeconds(10));
            SyncReport third = h.syncSource("metrc");
            assertThat(third.total(StreamResult::written)).isEqualTo(1);
            assertThat(h.rows("SELECT quantity FROM reporting.inventory_lots WHERE source_system = 'metrc' AND source_id = ?",
                    Long.toString(m.recordId(DISPENSARY, Endpoint.PACKAGES_ACTIVE, 2))).get(0).get("quantity").toString())
                    .isEqualTo(m.quantity(DISPENSARY, Endpoint.PACKAGES_ACTIVE, 2).toPlainString());
        }
    }

    @Test
    void sales_receipts_carry_their_lines_and_a_receipt_listed_without_them_is_fetched_by_id() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(2, 10).withHistory(Duration.ofHours(20));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "salesreceipts.active").start()) {
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.sales_receipts")).isEqualTo(10);
            String ninth = Long.toString(h.metrc.recordId(DISPENSARY, Endpoint.SALES_RECEIPTS_ACTIVE, 9));
            assertThat(h.metrc.served()).extracting(MetrcSandbox.Served::pathAndQuery)
                    .contains("/sales/v2/receipts/" + ninth + "?licenseNumber=" + DISPENSARY);
            Map<String, Object> receipt = h.rows("SELECT * FROM reporting.sales_receipts WHERE source_id = ?", ninth).get(0);
            assertThat(receipt).containsEntry("receipt_number", "R-01-000009").containsEntry("customer_type", "Consumer")
                    .containsEntry("line_count", 1).containsEntry("total_packages", 1).containsEntry("currency", "USD")
                    .containsEntry("license_number", DISPENSARY);
            assertThat(receipt.get("total_price").toString()).isEqualTo("73.99");
            assertThat(h.rows("SELECT sold_at_local::text AS t FROM reporting.sales_receipts WHERE source_id = ?", ninth)
                    .get(0).get("t")).as("the facility's local time, as Metrc sends it").isEqualTo("2026-05-10 18:09:45");
            List<Map<String, Object>> lines = h.rows("SELECT * FROM reporting.v_sales_receipt_lines WHERE receipt_source_id = ? "
                    + "ORDER BY line_number", Long.toString(h.metrc.recordId(DISPENSARY, Endpoint.SALES_RECEIPTS_ACTIVE, 2)));
            assertThat(lines).hasSize(3);
            assertThat(lines.get(1)).containsEntry("quantity_unit", "Each").containsEntry("product_name", "Item 3")
                    .containsEntry("package_label", h.metrc.label(DISPENSARY, Endpoint.PACKAGES_ACTIVE, 3));
            assertThat(lines.get(1).get("quantity").toString()).isEqualTo("1");
            assertThat(lines.get(1).get("total_amount").toString()).isEqualTo("27.99");
        }
    }

    @Test
    void a_transfer_carries_its_deliveries_and_their_packages() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(2, 6).withHistory(Duration.ofHours(20));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "transfers.outgoing").start()) {
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.transfers")).isEqualTo(12);
            String id = Long.toString(h.metrc.recordId(CULTIVATOR, Endpoint.TRANSFERS_OUTGOING, 1));
            Map<String, Object> transfer = h.rows("SELECT * FROM reporting.transfers WHERE source_id = ?", id).get(0);
            assertThat(transfer).containsEntry("shipper_license_number", CULTIVATOR).containsEntry("delivery_count", 2)
                    .containsEntry("package_count", 2).containsEntry("voided", false);
            assertThat(((OffsetDateTime) transfer.get("created_at")).toInstant().toString()).isEqualTo("2026-05-02T15:20:45Z");
            List<Map<String, Object>> packages = h.rows("SELECT * FROM reporting.v_transfer_packages WHERE transfer_source_id = ? "
                    + "ORDER BY delivery_source_id, package_source_id", id);
            assertThat(packages).hasSize(2 + 3);
            assertThat(packages.get(0)).containsEntry("recipient_license_number", DISPENSARY)
                    .containsEntry("shipment_package_state", "Accepted").containsEntry("shipped_unit", "Grams")
                    .containsEntry("package_label", h.metrc.label(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 1));
            assertThat(packages.get(0).get("shipped_quantity").toString()).isEqualTo("5.5");
            assertThat(packages.get(0).get("received_quantity").toString()).isEqualTo("5.5");
            String unreceived = Long.toString(h.metrc.recordId(CULTIVATOR, Endpoint.TRANSFERS_OUTGOING, 3));
            assertThat(h.rows("SELECT received_quantity FROM reporting.v_transfer_packages WHERE transfer_source_id = ?", unreceived))
                    .isNotEmpty().allMatch(r -> r.get("received_quantity") == null);
            // one deliveries request per transfer, one packages request per delivery, besides the list pages
            long deliveries = h.metrc.served().stream().filter(s -> s.pathAndQuery().matches("/transfers/v2/\\d+/deliveries.*")).count();
            assertThat(deliveries).isEqualTo(12);
        }
    }

    @Test
    void lab_results_are_asked_for_by_package_only_for_packages_whose_lab_state_changed() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 8).withHistory(Duration.ofDays(3));
        // no overlap: the next window holds exactly what changed after the backfill
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,labresults", "hub.metrc.overlap-ms", "0").start()) {
            SyncReport first = h.syncSource("metrc");
            assertThat(first.ok()).as(first.table()).isTrue();
            // packages 0 and 4 passed testing: two tests each
            assertThat(h.count("SELECT count(*) FROM reporting.lab_results")).isEqualTo(4);
            String pkg = Long.toString(h.metrc.recordId(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 4));
            Map<String, Object> thc = h.rows("SELECT * FROM reporting.lab_results WHERE package_source_id = ? AND test_type_name = 'THC'", pkg).get(0);
            assertThat(thc).containsEntry("package_label", h.metrc.label(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 4))
                    .containsEntry("lab_name", "Sandbox Testing Labs").containsEntry("test_passed", true)
                    .containsEntry("license_number", CULTIVATOR);
            assertThat(thc.get("result_level").toString()).isEqualTo("22.25");
            assertThat(((OffsetDateTime) thc.get("expires_at")).toInstant().toString()).isEqualTo("2026-07-05T00:00:00Z");
            assertThat(labRequests(h)).as("each tested package of the backfill asked once").hasSize(2).doesNotHaveDuplicates();

            int before = h.metrc.served().size();
            h.clock.advance(Duration.ofDays(2));
            h.metrc.touch(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 4);
            h.clock.advance(Duration.ofMinutes(1));
            assertThat(h.syncSource("metrc").ok()).isTrue();
            List<String> asked = h.metrc.served().subList(before, h.metrc.served().size()).stream()
                    .map(MetrcSandbox.Served::pathAndQuery).filter(q -> q.startsWith("/labtests/v2/results")).toList();
            assertThat(asked).as("only the package whose lab state changed since").hasSize(1)
                    .allMatch(q -> q.contains("packageId=" + pkg));

            // the view shows results about to expire (relative to the database's clock)
            h.execute("UPDATE reporting.lab_results SET expires_at = now() + interval '5 days' WHERE test_type_name = 'THC' "
                    + "AND package_source_id = '" + pkg + "'");
            h.execute("UPDATE reporting.lab_results SET expires_at = now() + interval '40 days' WHERE test_type_name = 'Microbiologicals'");
            List<Map<String, Object>> expiring = h.rows("SELECT * FROM reporting.v_lab_results_expiring");
            assertThat(expiring).hasSize(1);
            assertThat(expiring.get(0)).containsEntry("package_source_id", pkg).containsEntry("test_type_name", "THC")
                    .containsEntry("days_left", 5);
        }
    }

    @Test
    void a_30_day_backfill_asks_each_endpoint_without_a_time_filter_once_per_licence() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(2, 6).withHistory(Duration.ofDays(30));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "items.inactive,transfers.rejected,packages.active",
                "hub.metrc.backfill-days", "30").start()) {
            SyncReport first = h.syncSource("metrc");
            assertThat(first.ok()).as(first.table()).isTrue();
            for (String path : List.of("/items/v2/inactive", "/transfers/v2/rejected")) {
                for (String licence : List.of(CULTIVATOR, DISPENSARY)) {
                    assertThat(h.metrc.served()).filteredOn(r -> r.pathAndQuery().startsWith(path + "?")
                                    && licence.equals(r.license())).as(path + " for " + licence)
                            .singleElement().satisfies(r -> assertThat(r.pathAndQuery()).doesNotContain("lastModified"));
                }
            }
            assertThat(h.metrc.served()).filteredOn(r -> r.pathAndQuery().startsWith("/packages/v2/active?")
                    && CULTIVATOR.equals(r.license())).as("the dated endpoint still in 24 h slices").hasSizeGreaterThanOrEqualTo(30);
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE source_system = 'metrc' AND NOT active")).isEqualTo(12);
        }
    }

    @Test
    void streams_follow_the_facility_type_flags_and_a_403_on_one_stream_stops_only_that_stream() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 4).withHistory(Duration.ofDays(2)).withFacilities(List.of(
                new MetrcSandbox.Facility("MB-0001", "Micro", "Microbusiness", true, true),
                new MetrcSandbox.Facility("RC-0002", "Retail cultivator", "Retail Marijuana Cultivation Facility", true, false),
                new MetrcSandbox.Facility("MF-0003", "Kitchen", "Manufacturer", false, false)));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams",
                "strains.active,plants.vegetative,harvests.active,salesreceipts.active,items.active").start()) {
            h.metrc.forbid("MB-0001", "/harvests/v2/active");
            SyncReport first = h.syncSource("metrc");
            assertThat(first.ok()).as(first.table()).isTrue();
            assertThat(streamsOf(h, "MB-0001")).containsExactly("harvests.active UNAVAILABLE", "items.active SUCCEEDED",
                    "plants.vegetative SUCCEEDED", "salesreceipts.active SUCCEEDED", "strains.active SUCCEEDED");
            assertThat(streamsOf(h, "RC-0002")).containsExactly("harvests.active SUCCEEDED", "items.active SUCCEEDED",
                    "plants.vegetative SUCCEEDED", "strains.active SUCCEEDED");
            assertThat(streamsOf(h, "MF-0003")).as("strains for every licence: its items name them")
                    .containsExactly("items.active SUCCEEDED", "strains.active SUCCEEDED");
            assertThat(h.rows("SELECT stream, partition, http_status FROM hub.stream_unavailable")).singleElement()
                    .satisfies(r -> assertThat(r).containsEntry("stream", "harvests.active").containsEntry("partition", "MB-0001")
                            .containsEntry("http_status", 403));

            // the next pass does not ask it again (a day later it does), and status says so
            int before = h.metrc.served().size();
            h.clock.advance(Duration.ofHours(1));
            assertThat(h.syncSource("metrc").ok()).isTrue();
            assertThat(h.metrc.served().subList(before, h.metrc.served().size()))
                    .noneMatch(r -> r.pathAndQuery().startsWith("/harvests/v2/active") && "MB-0001".equals(r.license()));
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            try (java.sql.Connection c = h.hub().bean("hubDatabase", com.canopyhub.db.HubDatabase.class).dataSource().getConnection()) {
                com.canopyhub.app.StatusCommandAccess.print(c, h.hub().bean("hubDatabase", com.canopyhub.db.HubDatabase.class),
                        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            }
            assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Unavailable streams")
                    .contains("metrc/harvests.active[MB-0001]: HTTP 403");
        }
    }

    @Test
    void a_package_tested_ten_days_before_its_last_modification_gets_its_results_on_the_first_backfill() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 8).withHistory(Duration.ofDays(3));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,labresults").start()) {
            h.metrc.testedBefore(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 4, Duration.ofDays(10));
            assertThat(h.syncSource("metrc").ok()).isTrue();
            String pkg = Long.toString(h.metrc.recordId(CULTIVATOR, Endpoint.PACKAGES_ACTIVE, 4));
            assertThat(h.count("SELECT count(*) FROM reporting.lab_results WHERE package_source_id = ?", pkg)).isEqualTo(2);
            assertThat(h.count("SELECT count(*) FROM reporting.lab_results")).as("packages 0 and 4, two tests each").isEqualTo(4);
        }
    }

    private static List<String> streamsOf(HubHarness h, String licence) throws Exception {
        return h.rows("SELECT DISTINCT ON (stream) stream, status FROM hub.sync_runs WHERE partition = ? ORDER BY stream, id",
                licence).stream().map(r -> r.get("stream") + " " + r.get("status")).toList();
    }

    private static List<String> labRequests(HubHarness h) {
        return h.metrc.served().stream().map(MetrcSandbox.Served::pathAndQuery)
                .filter(q -> q.startsWith("/labtests/v2/results")).map(q -> q.replaceAll("&pageNumber=.*", "")).toList();
    }

    @Test
    void a_three_day_backfill_asks_for_24_hour_slices_with_encoded_offsets_and_pages_of_20() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 6).withHistory(Duration.ofDays(3));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active").start()) {
            assertThat(h.syncSource("metrc").ok()).isTrue();
            List<MetrcSandbox.Served> packages = h.metrc.served().stream()
                    .filter(s -> s.pathAndQuery().startsWith("/packages/v2/active")).toList();
            // 3 days and the minute since: four slices, each in one page (at most 20 records in a day)
            assertThat(packages).hasSize(4).allMatch(s -> s.status() == 200);
            List<OffsetDateTime[]> windows = new java.util.ArrayList<>();
            for (MetrcSandbox.Served s : packages) {
                assertThat(s.pathAndQuery()).contains(".000%2B00%3A00&").contains("pageSize=20").contains("pageNumber=1")
                        .contains("licenseNumber=SBX-0001");
                Matcher w = WINDOW.matcher(s.pathAndQuery());
                assertThat(w.find()).isTrue();
                OffsetDateTime start = OffsetDateTime.parse(URLDecoder.decode(w.group(1), StandardCharsets.UTF_8));
                OffsetDateTime end = OffsetDateTime.parse(URLDecoder.decode(w.group(2), StandardCharsets.UTF_8));
                assertThat(Duration.between(start, end)).isLessThanOrEqualTo(Duration.ofHours(24));
                windows.add(new OffsetDateTime[] {start, end});
            }
            // requested ahead, so they may arrive in any order: in time order they tile the window without a gap
            windows.sort(java.util.Comparator.comparing(x -> x[0]));
            assertThat(windows.get(0)[0].toInstant()).isEqualTo(HubHarness.T0.minus(Duration.ofDays(3)));
            for (int i = 1; i < windows.size(); i++) {
                assertThat(windows.get(i)[0]).as("slices are adjacent").isEqualTo(windows.get(i - 1)[1]);
            }
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(6);
        }
    }

    @Test
    void a_slice_of_several_pages_is_read_completely() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 50).withHistory(Duration.ofHours(20));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active").start()) {
            assertThat(h.syncSource("metrc").ok()).isTrue();
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(50);
            assertThat(h.metrc.served().stream().filter(s -> s.pathAndQuery().startsWith("/packages/v2/active")))
                    .extracting(MetrcSandbox.Served::pathAndQuery)
                    .anyMatch(q -> q.contains("pageNumber=3")).noneMatch(q -> q.contains("pageNumber=4"));
        }
    }

    @Test
    void a_backfill_that_fails_midway_resumes_at_the_last_finished_slice() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 6).withHistory(Duration.ofDays(3));
        // one page ahead, so requests arrive in slice order and the fault hits slice 2 for certain
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active", "hub.retry.max-redeliveries", "0",
                "hub.metrc.read-ahead-pages", "1").start()) {
            // slice 1 is read, then slice 2 fails for good (faults apply to list requests)
            h.metrc.inject(Fault.none(), Fault.status(500));
            SyncReport failed = h.syncSource("metrc");
            assertThat(failed.results().get(0).status()).isEqualTo(SyncStatus.FAILED);
            OffsetDateTime cursor = (OffsetDateTime) h.rows("SELECT window_end FROM hub.sync_cursors").get(0).get("window_end");
            assertThat(cursor.toInstant()).as("the cursor stands at the end of the first slice")
                    .isEqualTo(HubHarness.T0.minus(Duration.ofDays(3)).plus(Duration.ofHours(24)));
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(2);

            SyncReport resumed = h.syncSource("metrc");
            assertThat(resumed.ok()).as(resumed.table()).isTrue();
            List<Map<String, Object>> runs = h.rows("SELECT window_start FROM hub.sync_runs ORDER BY id");
            assertThat(((OffsetDateTime) runs.get(1).get("window_start")).toInstant())
                    .isEqualTo(cursor.toInstant().minus(Duration.ofMinutes(5)));
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(6);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'UPDATED'")).isZero();
        }
    }

    @Test
    void a_backfill_killed_midway_resumes_at_the_last_finished_slice() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 6).withHistory(Duration.ofDays(3));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active", "hub.metrc.read-ahead-pages", "1")) {
            // a `sync --once` of its own, killed (-9) while it waits for the third day's page
            java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch killed = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean waiting = new java.util.concurrent.atomic.AtomicBoolean();
            h.metrc.onListRequest((license, query) -> {
                if (requests.incrementAndGet() == 3) {
                    waiting.set(true);
                    try {
                        killed.await(60, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            com.canopyhub.testing.HubProcess other = com.canopyhub.testing.HubProcess.start(
                    com.canopyhub.testing.HubProcess.environmentOf(h.overrides()), "sync", "--once");
            try {
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).untilTrue(waiting);
                // the third day's page is asked for ahead (read-ahead) while the second day's slice may still be
                // committing: kill once that commit (with its cursor) is in, the third page still held
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.count(
                        "SELECT count(*) FROM hub.sync_cursors WHERE window_end = ?",
                        java.sql.Timestamp.from(HubHarness.T0.minus(Duration.ofDays(1)))) == 1);
                other.process.destroyForcibly().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } finally {
                other.process.destroyForcibly();
                killed.countDown();
            }
            OffsetDateTime cursor = (OffsetDateTime) h.rows("SELECT window_end FROM hub.sync_cursors").get(0).get("window_end");
            assertThat(cursor.toInstant()).as("two slices were finished before the kill")
                    .isEqualTo(HubHarness.T0.minus(Duration.ofDays(1)));
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE status = 'RUNNING'")).isEqualTo(1);

            h.metrc.onListRequest((license, query) -> { });
            // PostgreSQL ends the dead process's sessions, and with them its lock of the stream
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> h.count(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE ?", "canopy-hub pid " + other.process.pid() + " %") == 0);
            h.start();
            SyncReport resumed = h.syncSource("metrc");
            assertThat(resumed.ok()).as(resumed.table()).isTrue();
            List<Map<String, Object>> runs = h.rows("SELECT status, window_start FROM hub.sync_runs ORDER BY id");
            assertThat(runs.get(0).get("status")).isEqualTo("ABANDONED");
            assertThat(((OffsetDateTime) runs.get(1).get("window_start")).toInstant())
                    .isEqualTo(cursor.toInstant().minus(Duration.ofMinutes(5)));
            assertThat(h.count("SELECT count(*) FROM reporting.inventory_lots")).isEqualTo(6);
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'UPDATED'")).isZero();
        }
    }

    @Test
    void ten_facilities_sync_side_by_side_within_the_facility_and_integrator_limits() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(10, 30).withHistory(Duration.ofHours(20));
        try (HubHarness h = metrcOnly(options, "hub.sync.parallel-partitions", "10",
                "hub.metrc.streams", "packages.active,packages.inactive,items.active").start()) {
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(report.results()).hasSize(30);
            assertThat(h.metrc.rateLimited()).as("429s for exceeding a limit").isZero();
            assertThat(h.metrc.peakIntegratorInFlight()).isLessThanOrEqualTo(30);
            for (MetrcSandbox.Facility f : options.facilities()) {
                assertThat(h.metrc.peakInFlight(f.licenseNumber())).isLessThanOrEqualTo(10);
            }
            assertThat(h.count("SELECT count(DISTINCT license_number) FROM reporting.inventory_lots")).isEqualTo(10);
        }
    }

    @Test
    void a_facility_answering_403_marks_its_streams_unavailable_and_the_other_licences_sync() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(3, 4).withHistory(Duration.ofHours(20));
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,items.active").start()) {
            h.metrc.forbid(DISPENSARY);
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).as("refusals are recorded, nothing is lost").isTrue();
            for (StreamResult r : report.results()) {
                if (r.partition().equals(DISPENSARY)) {
                    assertThat(r.status()).isEqualTo(SyncStatus.UNAVAILABLE);
                    assertThat(r.error()).contains("HTTP 403").contains("no access to this facility");
                } else {
                    assertThat(r.status()).as(r.label()).isEqualTo(SyncStatus.SUCCEEDED);
                }
            }
            assertThat(h.count("SELECT count(*) FROM hub.stream_unavailable WHERE partition = ?", DISPENSARY)).isEqualTo(2);
        }
    }

    @Test
    void faults_give_the_same_data_as_a_clean_run_and_401_ends_the_pass_without_the_keys_in_logs() throws Exception {
        MetrcSandbox.Options options = MetrcSandbox.Options.defaults(1, 6).withHistory(Duration.ofDays(2));
        List<String> clean;
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,items.active").start()) {
            assertThat(h.syncSource("metrc").ok()).isTrue();
            clean = h.reportingSnapshot();
        }
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,items.active").start()) {
            h.metrc.inject(Fault.none(), Fault.tooManyRequests(1), Fault.status(500), Fault.none(), Fault.slow(Duration.ofSeconds(3)),
                    Fault.malformedBody());
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).as(report.table()).isTrue();
            assertThat(h.reportingSnapshot()).isEqualTo(clean);
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.start();
        root.addAppender(captured);
        String wrongKey = "wrong-user-key-51f0c2";
        try (HubHarness h = metrcOnly(options, "hub.metrc.streams", "packages.active,items.active")) {
            h.set("hub.metrc.user-key", wrongKey).start();
            SyncReport report = h.syncSource("metrc");
            assertThat(report.ok()).isFalse();
            assertThat(report.results().get(0).status()).isEqualTo(SyncStatus.FAILED);
            assertThat(report.results().get(0).error()).contains("HTTP 401").contains("hub.metrc.integrator-key")
                    .doesNotContain(wrongKey);
            assertThat(report.results().subList(1, report.results().size())).allMatch(r -> r.status() == SyncStatus.SKIPPED);
            assertThat(h.metrc.requestCount()).as("one refused request, no retries").isEqualTo(1);
            assertThat(h.count("SELECT count(*) FROM hub.sync_runs WHERE error LIKE ?", "%" + wrongKey + "%")).isZero();
        } finally {
            root.detachAppender(captured);
        }
        assertThat(captured.list).noneMatch(e -> e.getFormattedMessage().contains(wrongKey)
                || (e.getThrowableProxy() != null && String.valueOf(e.getThrowableProxy().getMessage()).contains(wrongKey)));
    }
}
