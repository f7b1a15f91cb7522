package com.canopyhub.delivery.kafka;

import com.canopyhub.config.HubSettings;
import com.canopyhub.db.HubDatabase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the Kafka feed when {@code hub.kafka.bootstrap-servers} is set: the {@link KafkaFeed} bean, the topics (created
 * if absent), and {@code hub.kafka.active} for the route's precondition. Without it the feed's routes do not exist.
 */
public final class KafkaModule implements com.canopyhub.wiring.HubModule {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaModule.class);
    /** Wakes a publishing round (a commit wrote events); folds into one pending wake-up. */
    public static final String WAKE_URI = "seda:kafka-publish?size=1&discardWhenFull=true";

    /** Registered in META-INF/services/com.canopyhub.wiring.HubModule. */
    public KafkaModule() {
    }

    @Override
    public int order() {
        return 80;
    }

    /** The feed, when hub.kafka.bootstrap-servers is set (and the hub does more than look). */
    @Override
    public void wire(com.canopyhub.wiring.HubWiring w) throws Exception {
        CamelContext context = w.context();
        HubSettings settings = w.settings();
        HubDatabase db = w.database();
        boolean checkOnly = w.checkOnly();
        String bootstrap = settings.get(KafkaSettings.BOOTSTRAP_SERVERS);
        boolean on = !bootstrap.isBlank() && !checkOnly;
        context.getPropertiesComponent().addOverrideProperty("hub.kafka.active", Boolean.toString(on));
        if (!on) {
            return;
        }
        String prefix = settings.get(KafkaSettings.TOPIC_PREFIX);
        KafkaFeed feed = new KafkaFeed(db.dataSource(), db::openDedicatedConnection, prefix, settings.getInt(KafkaSettings.BATCH_SIZE));
        feed.traceTo(java.util.Objects.requireNonNullElse(w.find(com.canopyhub.observe.DeliveryTraces.class),
                com.canopyhub.observe.DeliveryTraces.NONE));
        w.closeOnStop(feed);
        context.getRegistry().bind("kafkaFeed", feed);
        feed.firstRun(bootstrap);
        // security passes through to the client as set (only what is set: camel-kafka would pass empty values on)
        var configuration = context.getComponent("kafka", org.apache.camel.component.kafka.KafkaComponent.class).getConfiguration();
        Map<String, Object> security = clientSecurity(settings);
        configuration.setSecurityProtocol((String) security.get("security.protocol"));
        if (security.containsKey("sasl.mechanism")) {
            configuration.setSaslMechanism((String) security.get("sasl.mechanism"));
        }
        if (security.containsKey("sasl.jaas.config")) {
            configuration.setSaslJaasConfig((String) security.get("sasl.jaas.config"));
        }
        if (security.containsKey("ssl.truststore.location")) {
            configuration.setSslTruststoreLocation((String) security.get("ssl.truststore.location"));
            configuration.setSslTruststorePassword((String) security.get("ssl.truststore.password"));
        }
        if (settings.getBoolean(KafkaSettings.CREATE_TOPICS)) {
            createTopics(settings, bootstrap, prefix);
        }
        LOG.info("Kafka feed: {} (topics {}.<type>.v1)", bootstrap, prefix);
        w.wakeOnCommit(WAKE_URI);
    }

    /** The Kafka client security settings, as the hub passes them through (docs/kafka-feed.md). */
    public static Map<String, Object> clientSecurity(HubSettings settings) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        String protocol = settings.get(KafkaSettings.SECURITY_PROTOCOL);
        p.put("security.protocol", protocol);
        if (protocol.startsWith("SASL")) {
            p.put("sasl.mechanism", settings.get(KafkaSettings.SASL_MECHANISM));
            if (!settings.get(KafkaSettings.SASL_JAAS_CONFIG).isEmpty()) {
                p.put("sasl.jaas.config", settings.get(KafkaSettings.SASL_JAAS_CONFIG));
            }
        }
        if (protocol.endsWith("SSL") && !settings.get(KafkaSettings.SSL_TRUSTSTORE_LOCATION).isEmpty()) {
            p.put("ssl.truststore.location", settings.get(KafkaSettings.SSL_TRUSTSTORE_LOCATION));
            p.put("ssl.truststore.password", settings.get(KafkaSettings.SSL_TRUSTSTORE_PASSWORD));
        }
        return p;
    }

    /**
     * Creates the feed's topics that do not exist. A broker that cannot be reached now is not fatal: the hub syncs
     * on, the feed publishes once the broker answers (creating topics then, if the broker auto-creates them, or
     * failing each round with the broker's reason).
     */
    private static void createTopics(HubSettings settings, String bootstrap, String prefix) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.putAll(clientSecurity(settings));
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String type : KafkaFeed.TYPES) {
                String topic = KafkaFeed.topic(prefix, type);
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, settings.getInt(KafkaSettings.TOPIC_PARTITIONS),
                            (short) settings.getInt(KafkaSettings.TOPIC_REPLICATION)));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("Kafka feed: created {}", missing.stream().map(NewTopic::name).toList());
            }
        } catch (Exception e) {
            LOG.error("Kafka feed: could not check or create its topics at {} ({}); publishing waits for the broker",
                    bootstrap, e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        }
    }
}
