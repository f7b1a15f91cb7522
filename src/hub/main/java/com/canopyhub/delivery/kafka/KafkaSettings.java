package com.canopyhub.delivery.kafka;

import com.canopyhub.config.HubSettings;
import com.canopyhub.config.Setting;
import java.util.List;
import java.util.Optional;

/** The settings of the normalized Kafka feed (docs/kafka-feed.md), declared next to the component that reads them. */
public final class KafkaSettings implements com.canopyhub.config.SettingsGroup {

    public static final Setting BOOTSTRAP_SERVERS = Setting.of("hub.kafka.bootstrap-servers", "", "Kafka brokers (host:port,...) the outbox is published to (routes/deliver-kafka.camel.yaml). Empty: no feed; nothing else depends on it.",
            HubSettings::any);

    public static final Setting TOPIC_PREFIX = Setting.of("hub.kafka.topic-prefix", "canopy", "Topics are <prefix>.<canonical type>.v1, e.g. canopy.product.v1, canopy.inventory-lot.v1.",
            v -> v.matches("[A-Za-z0-9._-]{1,200}") ? Optional.empty() : Optional.of("'" + v + "' is not a topic name prefix (letters, digits, . _ -)"));

    public static final Setting CREATE_TOPICS = Setting.of("hub.kafka.create-topics", "true", "Create the feed's topics at startup when absent (with the partitions and replication below). false: they must exist (docs/kafka-feed.md lists them).",
            HubSettings::bool);

    public static final Setting TOPIC_PARTITIONS = Setting.of("hub.kafka.topic-partitions", "6", "Partitions of a topic the hub creates. Events of one record share a key, so they stay in order on one partition.",
            v -> HubSettings.longBetween(v, 1, 10_000));

    public static final Setting TOPIC_REPLICATION = Setting.of("hub.kafka.topic-replication", "1", "Replication factor of a topic the hub creates (3 in production clusters).",
            v -> HubSettings.longBetween(v, 1, 100));

    public static final Setting BATCH_SIZE = Setting.of("hub.kafka.batch-size", "500", "Outbox events one publishing round takes (in event order, one node at a time).",
            v -> HubSettings.longBetween(v, 1, 100_000));

    public static final Setting POLL_INTERVAL_MS = Setting.of("hub.kafka.poll-interval-ms", "1000", "The feed looks for unpublished events this often, besides being woken when a page commits.",
            v -> HubSettings.longBetween(v, 50, 3_600_000));

    public static final Setting SECURITY_PROTOCOL = Setting.of("hub.kafka.security-protocol", "PLAINTEXT", "Kafka client security.protocol: PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL.",
            HubSettings.oneOf("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"));

    public static final Setting SASL_MECHANISM = Setting.of("hub.kafka.sasl-mechanism", "GSSAPI", "Kafka client sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, ...), with a SASL protocol.",
            HubSettings::nonBlank);

    public static final Setting SASL_JAAS_CONFIG = Setting.secretOf("hub.kafka.sasl-jaas-config", "", "Kafka client sasl.jaas.config (holds credentials: never logged).");

    public static final Setting SSL_TRUSTSTORE_LOCATION = Setting.of("hub.kafka.ssl-truststore-location", "", "Kafka client ssl.truststore.location, with SSL or SASL_SSL.", HubSettings::any);

    public static final Setting SSL_TRUSTSTORE_PASSWORD = Setting.secretOf("hub.kafka.ssl-truststore-password", "", "Kafka client ssl.truststore.password.");


    public static final List<Setting> SETTINGS = List.of(
            BOOTSTRAP_SERVERS,
            TOPIC_PREFIX,
            CREATE_TOPICS,
            TOPIC_PARTITIONS,
            TOPIC_REPLICATION,
            BATCH_SIZE,
            POLL_INTERVAL_MS,
            SECURITY_PROTOCOL,
            SASL_MECHANISM,
            SASL_JAAS_CONFIG,
            SSL_TRUSTSTORE_LOCATION,
            SSL_TRUSTSTORE_PASSWORD);

    @Override
    public List<Setting> settings() {
        return SETTINGS;
    }

    @Override
    public int order() {
        return 30;
    }

    /** Registered in META-INF/services/com.canopyhub.config.SettingsGroup. */
    public KafkaSettings() {
    }

}
