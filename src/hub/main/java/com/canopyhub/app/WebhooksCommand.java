package com.canopyhub.app;

import com.canopyhub.config.HubSettings;
import com.canopyhub.delivery.webhook.WebhookService;
import com.canopyhub.delivery.webhook.WebhookSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code webhooks list | deliveries | attempts | replay | test | rotate-secret | enable}: webhook operations on
 * {@link WebhookService}. Each verb starts the hub without schedules (so `test` and `replay` are also delivered by
 * this process if no hub runs; with one running, whichever claims the delivery first sends it, once).
 */
@Command(name = "webhooks", mixinStandardHelpOptions = true, description = "Webhook subscriptions and deliveries (docs/webhooks.md).",
        subcommands = {WebhooksCommand.ListSubscriptions.class, WebhooksCommand.Deliveries.class, WebhooksCommand.Attempts.class,
                WebhooksCommand.Replay.class, WebhooksCommand.Test.class, WebhooksCommand.RotateSecret.class,
                WebhooksCommand.Enable.class})
public class WebhooksCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** After `sync --once`: wait (at most a minute) for due deliveries, then say what was delivered. */
    static void printSummary(HubRuntime hub, Instant since, AtomicReference<String> signalled) throws Exception {
        HubSettings settings = hub.bean("hubSettings", HubSettings.class);
        WebhookService service = hub.bean("webhookService", WebhookService.class);
        if (service == null || !settings.getBoolean(WebhookSettings.ENABLED)) {
            return;
        }
        List<Map<String, Object>> before = service.summary(since);
        if (before.isEmpty()) {
            return;
        }
        boolean settled = service.awaitSettled(Duration.ofSeconds(60));
        for (Map<String, Object> s : service.summary(since)) {
            System.out.println("Webhooks: " + s.get("delivered") + " events delivered to '" + s.get("id") + "' (" + s.get("url") + "), "
                    + s.get("pending") + " pending, " + s.get("dead") + " dead" + (settled ? "" : " (still sending after 60 s)"));
        }
    }

    static void print(List<Map<String, Object>> rows) {
        if (rows.isEmpty()) {
            System.out.println("(none)");
            return;
        }
        List<String> cols = new ArrayList<>(rows.get(0).keySet());
        int[] w = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            w[i] = cols.get(i).length();
            for (Map<String, Object> r : rows) {
                w[i] = Math.max(w[i], String.valueOf(r.get(cols.get(i))).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cols.size(); i++) {
            sb.append(String.format("%-" + w[i] + "s  ", cols.get(i)));
        }
        System.out.println(sb.toString().stripTrailing());
        for (Map<String, Object> r : rows) {
            sb.setLength(0);
            for (int i = 0; i < cols.size(); i++) {
                sb.append(String.format("%-" + w[i] + "s  ", r.get(cols.get(i))));
            }
            System.out.println(sb.toString().stripTrailing());
        }
    }

    abstract static class Verb implements Callable<Integer> {
        @CommandLine.Mixin
        CanopyHub.Common common = new CanopyHub.Common();

        @Override
        public Integer call() throws Exception {
            try (HubRuntime hub = common.startForOperations()) {
                return run(hub.bean("webhookService", WebhookService.class), hub);
            }
        }

        abstract int run(WebhookService service, HubRuntime hub) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Subscriptions: URL, events, state (ok, failing, DISABLED), delivery counts.")
    static class ListSubscriptions extends Verb {
        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            print(service.list());
            return 0;
        }
    }

    @Command(name = "deliveries", mixinStandardHelpOptions = true, description = "Deliveries, newest first.")
    static class Deliveries extends Verb {
        @Option(names = "--subscription", description = "Only this subscription's.")
        String subscription;

        @Option(names = "--status", description = "Only pending, sending, delivered or dead ones.")
        String status;

        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            print(service.deliveries(subscription, status, limit));
            return 0;
        }
    }

    @Command(name = "attempts", mixinStandardHelpOptions = true, description = "Every attempt of one delivery: outcome, HTTP status, error.")
    static class Attempts extends Verb {
        @Parameters(paramLabel = "DELIVERY", description = "The delivery's id (from `webhooks deliveries`).")
        long delivery;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            print(service.attempts(delivery));
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Send again: one delivery (dead or delivered), or every event since a time a subscription did not receive.")
    static class Replay extends Verb {
        @Option(names = "--delivery", description = "The delivery to send again.")
        Long delivery;

        @Option(names = "--subscription", description = "With --since: the subscription to catch up.")
        String subscription;

        @Option(names = "--since", description = "With --subscription: events from this time on, e.g. 2026-11-27T00:00:00Z.")
        String since;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            int n;
            if (delivery != null) {
                n = service.replayDelivery(delivery);
            } else if (subscription != null && since != null) {
                Instant from;
                try {
                    from = OffsetDateTime.parse(since).toInstant();
                } catch (DateTimeParseException e) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--since " + since + ": not a time such as 2026-11-27T00:00:00Z");
                }
                n = service.replaySince(subscription, from);
            } else {
                throw new CommandLine.ParameterException(spec.commandLine(), "give --delivery ID, or --subscription S --since T");
            }
            System.out.println(n + " deliver" + (n == 1 ? "y" : "ies") + " queued");
            if (n > 0) {
                service.awaitSettled(Duration.ofSeconds(30));
            }
            return 0;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true, description = "Send a signed webhook.test event to one subscription and say how it went.")
    static class Test extends Verb {
        @Option(names = "--subscription", required = true, description = "The subscription to test.")
        String subscription;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            long id = service.test(subscription);
            HubSettings settings = hub.bean("hubSettings", HubSettings.class);
            long deadline = System.nanoTime() + settings.getMillis(WebhookSettings.TIMEOUT_MS).plusSeconds(10).toNanos();
            while (System.nanoTime() < deadline && List.of("PENDING", "SENDING").contains(service.status(id))
                    && service.attempts(id).isEmpty()) {
                Thread.sleep(100); // waiting for this process's (or another node's) dispatcher
            }
            List<Map<String, Object>> attempts = service.attempts(id);
            if (attempts.isEmpty()) {
                System.out.println("delivery " + id + ": not attempted yet (is hub.webhooks.enabled false?)");
                return 1;
            }
            Map<String, Object> first = attempts.get(0);
            System.out.println("delivery " + id + " to '" + subscription + "': " + first.get("outcome")
                    + (first.get("http") != null ? " (HTTP " + first.get("http") + ")" : "") + " in " + first.get("duration_ms") + " ms"
                    + (String.valueOf(first.get("error")).isEmpty() ? "" : ": " + first.get("error")));
            return "DELIVERED".equals(first.get("outcome")) ? 0 : 1;
        }
    }

    @Command(name = "rotate-secret", mixinStandardHelpOptions = true,
            description = "Generate a new signing secret (shown once); the current ones keep signing for hub.webhooks.rotation-overlap.")
    static class RotateSecret extends Verb {
        @Parameters(paramLabel = "SUBSCRIPTION")
        String subscription;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            HubSettings settings = hub.bean("hubSettings", HubSettings.class);
            Duration overlap = settings.getDuration(WebhookSettings.ROTATION_OVERLAP);
            String secret = service.rotateSecret(subscription, overlap);
            System.out.println("New signing secret for '" + subscription + "' (shown once, store it now):");
            System.out.println(secret);
            System.out.println("Both the new and the previous secret sign for " + settings.get(WebhookSettings.ROTATION_OVERLAP)
                    + "; give the receiver the new one within that time.");
            return 0;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Re-enable a subscription the hub disabled (410 Gone, failing for days).")
    static class Enable extends Verb {
        @Parameters(paramLabel = "SUBSCRIPTION")
        String subscription;

        @Override
        int run(WebhookService service, HubRuntime hub) throws Exception {
            boolean ok = service.enable(subscription);
            System.out.println(ok ? "'" + subscription + "' enabled; its waiting deliveries go out now" : "no subscription '" + subscription + "'");
            if (ok) {
                service.awaitSettled(Duration.ofSeconds(30));
            }
            return ok ? 0 : 1;
        }
    }
}
