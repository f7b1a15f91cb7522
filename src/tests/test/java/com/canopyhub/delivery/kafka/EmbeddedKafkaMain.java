package com.canopyhub.delivery.kafka;

/**
 * The tests' in-process broker as a program, for the bench on a machine without Kafka:
 * {@code java -cp <test classpath> com.canopyhub.delivery.kafka.EmbeddedKafkaMain} prints its bootstrap servers and
 * runs until killed.
 */
public final class EmbeddedKafkaMain {

    private EmbeddedKafkaMain() {
    }

    public static void main(String[] args) throws Exception {
        EmbeddedKafka kafka = new EmbeddedKafka();
        System.out.println("bootstrap.servers=" + kafka.bootstrapServers());
        Thread.currentThread().join();
    }
}
