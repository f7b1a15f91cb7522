package com.canopyhub.app;

import com.canopyhub.delivery.kafka.KafkaFeed;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code feed republish --type T [--since T]}: the Kafka feed's operations (docs/kafka-feed.md). */
@Command(name = "feed", mixinStandardHelpOptions = true, description = "The normalized Kafka feed (docs/kafka-feed.md).",
        subcommands = {FeedCommand.Republish.class})
public class FeedCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    @Command(name = "republish", mixinStandardHelpOptions = true,
            description = "Publish the current state of every record of a type again (the last event of each, with its event id), "
                    + "paged, with progress: a new consumer bootstraps from it.")
    static class Republish implements Callable<Integer> {
        @CommandLine.Mixin
        CanopyHub.Common common = new CanopyHub.Common();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--type", required = true, description = "The canonical type: product, inventory-lot, stock-level, order, transfer, document, marketplace-order.")
        String type;

        @Option(names = "--since", description = "Only records whose last change is at or after this time, e.g. 2026-11-27T00:00:00Z.")
        String since;

        @Override
        public Integer call() throws Exception {
            String aggregate = type.toLowerCase(Locale.ROOT).replace('-', '_');
            // alerts are events, not state: there is nothing current to send again
            java.util.List<String> republishable = KafkaFeed.TYPES.stream()
                    .filter(t -> !t.equals(com.canopyhub.observe.Alerts.AGGREGATE_TYPE)).toList();
            if (!republishable.contains(aggregate)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--type " + type + ": not one of "
                        + String.join(", ", republishable.stream().map(t -> t.replace('_', '-')).toList()));
            }
            Instant from = null;
            if (since != null) {
                try {
                    from = OffsetDateTime.parse(since).toInstant();
                } catch (DateTimeParseException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--since " + since + ": not a time such as 2026-11-27T00:00:00Z");
                }
            }
            try (HubRuntime hub = common.startForOperations()) {
                KafkaFeed feed = hub.bean("kafkaFeed", KafkaFeed.class);
                if (feed == null) {
                    System.err.println("canopy-hub: the Kafka feed is off: set hub.kafka.bootstrap-servers");
                    return 2;
                }
                long published = feed.republish(hub.context().createProducerTemplate(), aggregate, from,
                        n -> System.out.println("republished " + n + " " + type + " record(s) so far"));
                System.out.println("Republished " + published + " " + type + " record(s) to "
                        + KafkaFeed.topic(hub.bean("hubSettings", com.canopyhub.config.HubSettings.class).get("hub.kafka.topic-prefix"), aggregate));
                return 0;
            }
        }
    }
}
