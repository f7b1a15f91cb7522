package com.canopyhub.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** An upstream object read in one walk reads exactly like its parsed tree through JsonFields. */
class UpstreamObjectTest {

    private static JsonNode parse(String json) throws Exception {
        return Upstreams.json().readTree(json);
    }

    @Test
    void every_field_reads_as_in_the_tree_and_null_reads_as_absent() throws Exception {
        StringBuilder json = new StringBuilder("{\"id\": \"p-1\", \"gone\": null, \"price\": \"5.000\", \"brand\": {\"name\": \"Acme\"}");
        for (int i = 0; i < 200; i++) {
            json.append(", \"f").append(i).append("\": ").append(i);
        }
        JsonNode tree = parse(json.append('}').toString());
        UpstreamObject o = UpstreamObject.of(tree);

        assertThat(JsonFields.text(o, "id")).isEqualTo("p-1");
        assertThat(JsonFields.text(o, new String("id"))).as("a name that is not interned").isEqualTo("p-1");
        assertThat(JsonFields.text(o, "gone")).isNull();
        assertThat(o.get("gone")).isNull();
        assertThat(JsonFields.text(o, "absent")).isNull();
        assertThat(JsonFields.decimal(o, "price")).isEqualTo(new BigDecimal("5.000"));
        assertThat(JsonFields.text(o, "brand", "name")).isEqualTo("Acme");
        assertThat(JsonFields.text(o, "brand", "missing")).isNull();
        for (int i = 0; i < 200; i++) {
            assertThat(JsonFields.decimal(o, "f" + i)).isEqualTo(JsonFields.decimal(tree, "f" + i));
        }
        assertThat(o.node()).isSameAs(tree);
    }

    @Test
    void a_field_of_the_wrong_shape_is_rejected_naming_it_and_a_non_object_has_no_fields() throws Exception {
        UpstreamObject o = UpstreamObject.of(parse("{\"brand\": [1, 2]}"));
        assertThatThrownBy(() -> JsonFields.text(o, "brand")).isInstanceOf(RecordRejectedException.class).hasMessageContaining("brand");
        assertThat(UpstreamObject.of(parse("[1]")).get("x")).isNull();
        assertThat(UpstreamObject.of(parse("{}")).get("x")).isNull();
    }
}
