package com.canopyhub.source.metrc;

import static org.assertj.core.api.Assertions.assertThat;

import com.canopyhub.canonical.Product;
import com.canopyhub.canonical.Transfer;
import com.canopyhub.source.ExtraFields;
import com.canopyhub.engine.spi.MappedPage;
import com.canopyhub.engine.spi.PageRequest;
import com.canopyhub.engine.spi.SourcePage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Metrc fields the mapping once dropped or tripped on, mapped without Camel or a database. */
class MetrcMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final MetrcMapper mapper = new MetrcMapper(ExtraFields.none());

    @Test
    void an_items_description_reaches_the_product() throws Exception {
        MappedPage page = map("items.active", "{\"Id\": 7, \"Name\": \"Buds\", \"Description\": \"Indoor, hand-trimmed\", "
                + "\"LastModified\": \"2026-05-01T10:00:00+00:00\"}");
        assertThat(page.rejects()).isEmpty();
        assertThat(((Product) page.records().get(0)).description()).isEqualTo("Indoor, hand-trimmed");
    }

    @Test
    void a_delivery_package_not_yet_received_is_not_received_never_a_dead_letter() throws Exception {
        MappedPage page = map("transfers.incoming", "{\"Id\": 1, \"LastModified\": \"2026-05-01T10:00:00+00:00\", "
                + "\"Deliveries\": [{\"Id\": 2, \"Packages\": ["
                + "{\"PackageId\": 3, \"ShippedQuantity\": 5, \"ShippedUnitOfMeasureName\": \"Grams\", \"ReceivedQuantity\": null},"
                + "{\"PackageId\": 4, \"ShippedQuantity\": 5, \"ShippedUnitOfMeasureName\": \"Grams\", \"ReceivedQuantity\": 0, "
                + "\"ReceivedUnitOfMeasureName\": null},"
                + "{\"PackageId\": 5, \"ShippedQuantity\": 5, \"ShippedUnitOfMeasureName\": \"Grams\", \"ReceivedQuantity\": 4.5, "
                + "\"ReceivedUnitOfMeasureName\": \"Grams\"}]}]}");
        assertThat(page.rejects()).isEmpty();
        List<Transfer.DeliveryPackage> packages = ((Transfer) page.records().get(0)).deliveries().get(0).packages();
        assertThat(packages.get(0).received()).isNull();
        assertThat(packages.get(1).received()).isNull();
        assertThat(packages.get(2).received().amount()).isEqualByComparingTo("4.5");

        MappedPage broken = map("transfers.incoming", "{\"Id\": 1, \"Deliveries\": [{\"Id\": 2, \"Packages\": ["
                + "{\"PackageId\": 3, \"ReceivedQuantity\": 2, \"ReceivedUnitOfMeasureName\": null}]}]}");
        assertThat(broken.rejects()).as("an amount above 0 without its unit is still broken").hasSize(1);
    }

    private MappedPage map(String stream, String record) throws Exception {
        JsonNode r = JSON.readTree(record);
        return mapper.map(new SourcePage(stream, new PageRequest(null, null, 1), List.of(r), false, 1), "C11-0000001-LIC");
    }
}
