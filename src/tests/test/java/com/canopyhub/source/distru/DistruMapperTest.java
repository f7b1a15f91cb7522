package com.canopyhub.source.distru;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.canonical.InventoryLot;
import com.canopyhub.canonical.Order;
import com.canopyhub.canonical.Product;
import com.canopyhub.engine.spi.MappedPage;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mapping Distru JSON to the canonical model, without Camel. */
class DistruMapperTest {

    private static final ObjectMapper JSON = JsonMapper.builder().nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private final DistruMapper mapper = new DistruMapper("USD");

    private static JsonNode json(String s) throws Exception {
        return JSON.readTree(s.replace('\'', '"'));
    }

    private MappedPage page(DistruStream stream, String... records) throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String r : records) {
            nodes.add(json(r));
        }
        return mapper.map(new com.canopyhub.engine.spi.SourcePage(stream.configName(), new com.canopyhub.engine.spi.PageRequest(null, null, 1),
                nodes, false, com.canopyhub.engine.spi.SourcePage.UNKNOWN_TOTAL));
    }

    @Test
    void decimals_stay_exact_whether_sent_as_strings_or_numbers() throws Exception {
        MappedPage p = page(DistruStream.PRODUCTS,
                "{'id':'p1','unit_price':'1.500000000','msrp':100.10,'units_per_case':6,'unit_type':{'name':'Gram'},"
                        + "'brand':{'name':'B'},'category':{'name':'Flower','type':'FLOWER'},'custom_data':[{'id':1,'name':'Tier','value':'gold'}],"
                        + "'images':[{'url':'https://x/1.jpg'}],'is_active':true,'updated_datetime':'2023-11-01T00:00:00.000000Z'}");
        Product product = (Product) p.records().get(0);
        assertThat(product.unitPrice().amount()).isEqualTo(new BigDecimal("1.500000000"));
        assertThat(product.msrp().amount()).isEqualTo(new BigDecimal("100.10"));
        assertThat(product.unitPrice().currency()).isEqualTo("USD");
        assertThat(product.unitsPerCase()).isEqualTo(new BigDecimal("6"));
        assertThat(product.brandName()).isEqualTo("B");
        assertThat(product.customData()).containsEntry("Tier", "gold");
        assertThat(product.imageUrls()).containsExactly("https://x/1.jpg");
        assertThat(product.sourceUpdatedAt()).isEqualTo(Instant.parse("2023-11-01T00:00:00Z"));
        assertThat(product.provenance().sourceSystem()).isEqualTo("distru");
        assertThat(product.canonicalId()).isEqualTo(((Product) page(DistruStream.PRODUCTS, "{'id':'p1'}").records().get(0)).canonicalId());
    }

    @Test
    void a_bad_record_is_rejected_with_the_field_and_the_rest_of_the_page_maps() throws Exception {
        MappedPage p = page(DistruStream.PACKAGES,
                "{'id':'a','quantity':'2.5','unit_type':{'name':'Gram'},'compliance_label':'1A4','license':{'license_number':'C-1'}}",
                "{'id':'b','quantity':'12,5 g','unit_type':{'name':'Gram'}}",
                "{'quantity':'1','unit_type':{'name':'Gram'}}",
                "{'id':'d','quantity':'3','unit_type':null}");
        assertThat(p.records()).hasSize(1);
        InventoryLot lot = (InventoryLot) p.records().get(0);
        assertThat(lot.label()).isEqualTo("1A4");
        assertThat(lot.provenance().licenseNumber()).isEqualTo("C-1");
        assertThat(lot.quantity().unit()).isEqualTo("Gram");
        assertThat(p.rejects()).extracting(r -> r.reason()).containsExactly(
                "quantity: '12,5 g' is not a decimal number",
                "id: required but missing",
                "unit_type: a quantity of 3 has no unit");
        assertThat(p.rejects().get(0).sourceId()).isEqualTo("b");
        assertThat(p.rejects().get(0).payload()).contains("12,5 g");
    }

    @Test
    void values_postgres_cannot_store_are_rejected_naming_the_field() throws Exception {
        MappedPage p = page(DistruStream.PRODUCTS,
                "{'id':'nul','name':'Blue\\u0000Dream'}",
                "{'id':'huge','unit_price':1e200000}",
                "{'id':'huge-text','msrp':'1e200000'}",
                "{'id':'tiny','msrp':'1e-20000'}",
                "{'id':'custom','custom_data':[{'name':'Note','value':'a\\u0000b'}]}",
                "{'id':'far','updated_datetime':'+300000-01-01T00:00:00Z'}",
                "{'id':'fine','unit_price':'1e5','updated_datetime':'2026-01-01T00:00:00Z'}");
        assertThat(p.records()).hasSize(1);
        assertThat(p.rejects()).extracting(r -> r.sourceId() + " " + r.reason()).containsExactly(
                "nul name: contains a NUL character (U+0000), which PostgreSQL text cannot store",
                "huge unit_price: 1…E200000 is beyond what PostgreSQL NUMERIC stores (131072 digits before the point, 16383 after)",
                "huge-text msrp: 1…E200000 is beyond what PostgreSQL NUMERIC stores (131072 digits before the point, 16383 after)",
                "tiny msrp: 1…E-20000 is beyond what PostgreSQL NUMERIC stores (131072 digits before the point, 16383 after)",
                "custom custom_data.Note: contains a NUL character (U+0000), which PostgreSQL text cannot store",
                "far updated_datetime: '+300000-01-01T00:00:00Z' is outside what PostgreSQL timestamptz stores (4713 BC to 294276 AD)");
    }

    @Test
    void dates_with_typographic_hyphens_from_distru_examples_parse_and_nonsense_is_rejected() throws Exception {
        Order order = (Order) page(DistruStream.ORDERS, "{'id':'o','order_datetime':'2022\u201007\u201002T00:00:00Z','items':[]}")
                .records().get(0);
        assertThat(order.orderedAt()).isEqualTo(Instant.parse("2022-07-02T00:00:00Z"));
        assertThat(page(DistruStream.ORDERS, "{'id':'o','order_datetime':'yesterday'}").rejects().get(0).reason())
                .contains("order_datetime");
    }

    @Test
    void order_lines_keep_exact_quantities_prices_and_labels() throws Exception {
        Order order = (Order) page(DistruStream.ORDERS, "{'id':'o1','total':'11.00','items':[{'id':'l1','quantity':'1.000000000',"
                + "'price':'10.000000000','price_base':'10','product':{'id':'p','name':'P1','sku':'S'},"
                + "'package':{'compliance_label':'1A4X'},'batch':{'id':'b','batch_number':'BN'}}]}").records().get(0);
        assertThat(order.total().amount()).isEqualTo(new BigDecimal("11.00"));
        assertThat(order.lines()).singleElement().satisfies(l -> {
            assertThat(l.quantity().amount()).isEqualTo(new BigDecimal("1.000000000"));
            assertThat(l.unitPrice().amount()).isEqualTo(new BigDecimal("10.000000000"));
            assertThat(l.unitPriceBase().amount()).isEqualTo(new BigDecimal("10"));
            assertThat(l.packageLabel()).isEqualTo("1A4X");
            assertThat(l.batchNumber()).isEqualTo("BN");
        });
    }

    @Test
    void page_queries_carry_the_window_in_microseconds_and_the_inventory_grouping() {
        var openEnded = new com.canopyhub.engine.spi.PageRequest(Instant.parse("2025-04-18T15:18:55.722452Z"), null, 3);
        assertThat(DistruClient.pathAndQuery(DistruStream.PRODUCTS, openEnded))
                .isEqualTo("/public/v1/products?page%5Bnumber%5D=3&updated_datetime=2025-04-18T15%3A18%3A55.722452Z%2C");
        var closed = new com.canopyhub.engine.spi.PageRequest(Instant.parse("2025-04-18T15:18:55.722452Z"),
                Instant.parse("2025-04-18T16:00:00Z"), 1);
        assertThat(DistruClient.pathAndQuery(DistruStream.PRODUCTS, closed)).endsWith(
                "&updated_datetime=2025-04-18T15%3A18%3A55.722452Z%2C2025-04-18T16%3A00%3A00.000000Z");
        assertThat(DistruClient.pathAndQuery(DistruStream.PRODUCTS, new com.canopyhub.engine.spi.PageRequest(null, null, 1)))
                .as("an unbounded read sends no filter").isEqualTo("/public/v1/products?page%5Bnumber%5D=1");
        assertThat(DistruClient.pathAndQuery(DistruStream.INVENTORY, openEnded.withNumber(1)))
                .isEqualTo("/public/v1/inventory?page%5Bnumber%5D=1&grouping%5B%5D=PRODUCT&grouping%5B%5D=LOCATION"
                        + "&grouping%5B%5D=BATCH_NUMBER");
    }
}
