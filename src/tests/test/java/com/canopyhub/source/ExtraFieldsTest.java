package com.canopyhub.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canopyhub.config.ConfigException;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.testing.HubHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Extra source fields declared in a mapping file, without Java: validated at startup, carried to the sinks. */
class ExtraFieldsTest {

    private static final Map<String, List<String>> STREAMS = Map.of("distru", List.of("products", "packages"));

    @TempDir
    Path mappings;

    @Test
    void a_bad_pointer_a_duplicate_name_and_an_unknown_stream_fail_naming_file_and_line() throws Exception {
        Files.writeString(mappings.resolve("distru-products.yaml"), """
                # extra product fields
                /brand/id: brand_id
                category/id: category_id
                /unit_type/id: brand_id
                /vendor/name: Vendor Name
                """);
        Files.writeString(mappings.resolve("distru-plants.yaml"), "/id: plant_id\n");
        Files.writeString(mappings.resolve("notes.txt"), "not a mapping file, ignored");

        assertThatThrownBy(() -> ExtraFields.load(mappings, STREAMS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("distru-products.yaml line 3: 'category/id' is not a JSON pointer")
                .hasMessageContaining("distru-products.yaml line 4: attribute 'brand_id' is already declared on line 2")
                .hasMessageContaining("distru-products.yaml line 5: attribute name 'Vendor Name' must be lower case")
                .hasMessageContaining("distru-plants.yaml: the name must be <source>-<stream>.yaml")
                .hasMessageContaining("distru-packages.yaml");
    }

    @Test
    void a_pointer_mapped_twice_is_reported_by_the_yaml_parser_with_its_line() throws Exception {
        Files.writeString(mappings.resolve("distru-packages.yaml"), "/id: package_id\n/id: again\n");
        assertThatThrownBy(() -> ExtraFields.load(mappings, STREAMS)).hasMessageContaining("distru-packages.yaml line 2");
    }

    @Test
    void an_extra_field_reaches_the_reporting_row_and_changes_the_content_hash_only_where_present() throws Exception {
        try (HubHarness h = new HubHarness(DistruSandbox.Options.defaults(14), "hub.distru.streams", "products",
                "hub.mappings.directory", mappings.toString()).start()) {
            assertThat(h.sync().ok()).isTrue();
            Map<String, String> hashBefore = hashes(h);
            assertThat(h.count("SELECT count(*) FROM reporting.products WHERE attributes <> '{}'")).isZero();

            Files.writeString(mappings.resolve("distru-products.yaml"), "/brand/id: brand_id\n/images/0/rank: first_image_rank\n");
            h.stopHub();
            h.start();
            assertThat(h.fullSync().ok()).isTrue();

            Map<String, JsonNode> upstream = upstreamProducts(h);
            List<Map<String, Object>> rows = h.rows("SELECT source_id, attributes::text AS attributes, content_hash "
                    + "FROM reporting.products ORDER BY source_id");
            assertThat(rows).hasSize(14);
            int withBrand = 0;
            for (Map<String, Object> row : rows) {
                JsonNode raw = upstream.get((String) row.get("source_id"));
                JsonNode attributes = new ObjectMapper().readTree((String) row.get("attributes"));
                if (raw.path("brand").isNull()) {
                    assertThat(attributes.has("brand_id")).isFalse();
                } else {
                    withBrand++;
                    assertThat(attributes.get("brand_id").asText()).isEqualTo(raw.at("/brand/id").asText());
                }
                assertThat(attributes.path("first_image_rank").isMissingNode()).isEqualTo(raw.at("/images/0/rank").isMissingNode());
                boolean declaredAny = attributes.size() > 0;
                assertThat(!row.get("content_hash").equals(hashBefore.get((String) row.get("source_id"))))
                        .as("hash of %s changes exactly when it has an extra field", row.get("source_id")).isEqualTo(declaredAny);
            }
            assertThat(withBrand).isEqualTo(12); // every 7th sandbox product has no brand
            assertThat(h.count("SELECT count(*) FROM hub.record_changes WHERE change_type = 'UPDATED'"))
                    .isEqualTo(h.count("SELECT count(*) FROM reporting.products WHERE attributes <> '{}'"));
        }
    }

    private static Map<String, String> hashes(HubHarness h) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (Map<String, Object> r : h.rows("SELECT source_id, content_hash FROM reporting.products")) {
            out.put((String) r.get("source_id"), (String) r.get("content_hash"));
        }
        return out;
    }

    private static Map<String, JsonNode> upstreamProducts(HubHarness h) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(h.sandbox.baseUrl() + "/public/v1/products"))
                .header("Authorization", "Bearer " + h.sandbox.apiKey()).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode p : new ObjectMapper().readTree(response.body()).get("data")) {
            out.put(p.get("id").asText(), p);
        }
        return out;
    }
}
