package com.canopyhub.sandbox.builtin;

import com.canopyhub.delivery.marketplace.MarketplaceSettings;
import com.canopyhub.source.distru.DistruSettings;
import com.canopyhub.source.metrc.MetrcSettings;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.SandboxProvider;
import com.canopyhub.config.Sandboxes;
import com.canopyhub.sandbox.distru.DistruSandbox;
import com.canopyhub.sandbox.distru.SandboxCollection;
import com.canopyhub.sandbox.distru.SandboxSizes;
import com.canopyhub.sandbox.metrc.MetrcSandbox;
import com.canopyhub.sandbox.shop.ShopPlatformSandbox;
import com.canopyhub.sandbox.terravault.TerraVaultSandbox;
import com.canopyhub.sandbox.webhook.WebhookReceiver;
import com.canopyhub.source.metrc.MetrcUnits;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sandboxes this module contributes to the hub (META-INF/services/com.canopyhub.config.SandboxProvider): each
 * started from the hub's settings when its upstream's base URL is empty, with the demo data they share.
 */
public final class BuiltInSandboxes {

    private BuiltInSandboxes() {
    }

    /** Distru: generated data (hub.sandbox.*), churn, faults, Distru's paging and filters. */
    public static final class Distru implements SandboxProvider {
        @Override
        public String upstream() {
            return "distru";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            DistruSandbox sandbox = DistruSandbox.start(new DistruSandbox.Options("sandbox-api-key",
                    SandboxSizes.uniform(settings.getInt(DistruSettings.SANDBOX_RECORDS)), settings.getLong(DistruSettings.SANDBOX_SEED),
                    settings.getInt(DistruSettings.SANDBOX_REQUESTS_PER_SECOND), settings.getMillis(DistruSettings.SANDBOX_VISIBILITY_LAG_MS),
                    settings.getDouble(DistruSettings.SANDBOX_FAULT_RATE), settings.getInt(DistruSettings.SANDBOX_CHURN_PER_MINUTE)), clock);
            return new Sandboxes.Started(sandbox.baseUrl().toString(), Map.of("api-key", sandbox.apiKey()),
                    "distru-sandbox seed=" + settings.getLong(DistruSettings.SANDBOX_SEED), sandbox);
        }
    }

    /** Metrc: facilities of every kind (hub.metrc.sandbox-*), the first sharing lots with a running Distru sandbox. */
    public static final class Metrc implements SandboxProvider {
        @Override
        public String upstream() {
            return "metrc";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            DistruSandbox distru = running.running("distru").map(s -> (DistruSandbox) s.instance()).orElse(null);
            MetrcSandbox sandbox = MetrcSandbox.start(MetrcSandbox.Options.defaults(settings.getInt(MetrcSettings.SANDBOX_FACILITIES),
                    settings.getInt(MetrcSettings.SANDBOX_RECORDS)).withSharedLots(sharedLotsOf(distru))
                    .withChurn(settings.getInt(MetrcSettings.SANDBOX_CHURN_PER_MINUTE)), clock);
            return new Sandboxes.Started(sandbox.baseUrl().toString(), Map.of("integrator-key", sandbox.options().integratorKey(),
                    "user-key", sandbox.options().userKey()), "metrc-sandbox", sandbox);
        }
    }

    /** OriginTrace: farms, collection batches and shipments under the key's hourly budget (hub.origintrace.sandbox-*). */
    public static final class OriginTrace implements SandboxProvider {
        @Override
        public String upstream() {
            return "origintrace";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            com.canopyhub.sandbox.origintrace.OriginTraceSandbox sandbox = com.canopyhub.sandbox.origintrace.OriginTraceSandbox.start(
                    com.canopyhub.sandbox.origintrace.OriginTraceSandbox.Options.of(
                            settings.getInt(com.canopyhub.source.origintrace.OriginTraceSettings.SANDBOX_FARMS),
                            settings.getInt(com.canopyhub.source.origintrace.OriginTraceSettings.SANDBOX_RATE_LIMIT_PER_HOUR)), clock);
            return new Sandboxes.Started(sandbox.baseUrl().toString(),
                    Map.of("api-key", com.canopyhub.sandbox.origintrace.OriginTraceSandbox.DEFAULT_KEY), "origintrace-sandbox", sandbox);
        }
    }

    /** TerraVault: the marketplace's listings API under its rate limit; it places demo orders back to the hub. */
    public static final class TerraVault implements SandboxProvider {
        @Override
        public String upstream() {
            return "terravault";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            TerraVaultSandbox sandbox = TerraVaultSandbox.start(TerraVaultSandbox.Options.defaults()
                    .withLimit(settings.getInt(MarketplaceSettings.TERRAVAULT_REQUESTS_PER_MINUTE), settings.getDuration(MarketplaceSettings.TERRAVAULT_RATE_WINDOW)), clock);
            return new Sandboxes.Started(sandbox.baseUrl().toString(), Map.of("api-key", TerraVaultSandbox.Options.defaults().firstKey()),
                    "terravault-sandbox", sandbox);
        }
    }

    /** The shop platform: an organisation with shops, its catalogue API under its rate limit. */
    public static final class ShopPlatform implements SandboxProvider {
        @Override
        public String upstream() {
            return "shop-platform";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            ShopPlatformSandbox.Options options = ShopPlatformSandbox.Options.defaults()
                    .withLimit(settings.getInt(MarketplaceSettings.SHOP_PLATFORM_REQUESTS_PER_MINUTE), settings.getDuration(MarketplaceSettings.SHOP_PLATFORM_RATE_WINDOW));
            ShopPlatformSandbox sandbox = ShopPlatformSandbox.start(options, clock);
            return new Sandboxes.Started(sandbox.baseUrl().toString(), Map.of("token", options.firstToken(),
                    "org-id", options.orgId(), "shops", String.join(",", options.shops())), "shop-platform-sandbox", sandbox);
        }
    }

    /** A webhook receiver that verifies every signature (subscription 'sandbox', every event). */
    public static final class WebhookReceiverSandbox implements SandboxProvider {
        @Override
        public String upstream() {
            return "webhook-receiver";
        }

        @Override
        public Sandboxes.Started start(HubSettings settings, Clock clock, Sandboxes running) throws Exception {
            String secret = com.canopyhub.delivery.webhook.SigningSecrets.generate();
            WebhookReceiver receiver = WebhookReceiver.start(secret);
            return new Sandboxes.Started(receiver.url("/webhooks"), Map.of("secret", receiver.secret()), "webhook-receiver", receiver);
        }
    }

    /**
     * When both sandboxes run, the Metrc sandbox's first facility tracks the Distru sandbox's first packages under
     * the same labels, with Metrc's units (grams for weights) and, for every fifth lot, a quantity one unit higher:
     * the seeded discrepancies reporting.v_inventory_reconciliation shows.
     */
    public static List<MetrcSandbox.SharedLot> sharedLotsOf(DistruSandbox distru) throws Exception {
        if (distru == null) {
            return List.of();
        }
        ObjectMapper json = com.canopyhub.app.HubConfiguration.upstreamJson();
        List<MetrcSandbox.SharedLot> lots = new ArrayList<>();
        int n = Math.min(distru.size(SandboxCollection.PACKAGES), 20);
        for (int i = 0; i < n; i++) {
            String raw = distru.recordJson(SandboxCollection.PACKAGES, i);
            if (raw == null) {
                continue;
            }
            JsonNode p = json.readTree(raw);
            String label = p.path("compliance_label").asText(null);
            BigDecimal quantity = p.path("quantity").isMissingNode() || p.path("quantity").isNull() ? null
                    : new BigDecimal(p.path("quantity").asText());
            String unit = p.path("unit_type").path("name").asText(null);
            MetrcUnits.Converted metrc = label == null || quantity == null ? null : MetrcUnits.fromDistru(quantity, unit);
            if (metrc == null) {
                continue;
            }
            BigDecimal q = lots.size() % 5 == 4 ? metrc.quantity().add(BigDecimal.ONE) : metrc.quantity();
            lots.add(new MetrcSandbox.SharedLot(label, q, metrc.unit()));
        }
        return lots;
    }
}
