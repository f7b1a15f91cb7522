package com.canopyhub.app;

import com.canopyhub.ops.AdminApi;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dead-letters list|show|replay|discard}: the admin API's dead-letter actions (docs/operations.md) for scripts,
 * without HTTP. Exit 0 when every asked dead letter ended resolved (or was only listed), 1 when some stay open.
 */
@Command(name = "dead-letters", mixinStandardHelpOptions = true, description = "List, show, replay or discard dead letters.",
        subcommands = {DeadLettersCommand.ListLetters.class, DeadLettersCommand.Show.class, DeadLettersCommand.Replay.class,
                DeadLettersCommand.Discard.class})
public class DeadLettersCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(System.out);
        return 2;
    }

    abstract static class Verb implements Callable<Integer> {
        @CommandLine.Mixin
        CanopyHub.Common common = new CanopyHub.Common();

        @Override
        public Integer call() throws Exception {
            try (HubRuntime hub = common.startForOperations()) {
                try {
                    return run(hub.bean("adminApi", AdminApi.class));
                } catch (AdminApi.Refused e) {
                    System.err.println("canopy-hub: " + e.getMessage());
                    return 1;
                }
            }
        }

        abstract int run(AdminApi admin) throws Exception;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Dead letters, newest first.")
    static class ListLetters extends Verb {
        @Option(names = "--source", description = "Only this source's.")
        String source;
        @Option(names = "--stream", description = "Only this stream's.")
        String stream;
        @Option(names = "--state", defaultValue = "open", description = "open, resolved or all (default: ${DEFAULT-VALUE}).")
        String state;
        @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        int run(AdminApi admin) throws Exception {
            WebhooksCommand.print(admin.deadLetterList(source, stream, state, null, limit));
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One dead letter, with its payload.")
    static class Show extends Verb {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run(AdminApi admin) throws Exception {
            System.out.println(JSON.writeValueAsString(admin.deadLetterRow(id)));
            return 0;
        }
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Process again now: these dead letters, or every open one of a stream (a record's stored payload is "
                    + "mapped and written again; a failed run is replayed by a pass of its stream).")
    static class Replay extends Verb {
        @Parameters(paramLabel = "ID", arity = "0..*", description = "Dead letters to replay.")
        List<Long> ids = List.of();
        @Option(names = "--source", description = "With --stream: every open dead letter of that stream.")
        String source;
        @Option(names = "--stream", description = "With --source.")
        String stream;

        @Override
        int run(AdminApi admin) throws Exception {
            if (ids.isEmpty() == (source == null)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "give dead-letter ids, or --source and --stream");
            }
            Map<String, Object> result = ids.isEmpty() ? admin.replayStream(source, stream) : admin.replayIds(ids);
            System.out.println(JSON.writeValueAsString(result));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> replayed = (List<Map<String, Object>>) result.get("replayed");
            long resolved = ((Number) result.get("resolved")).longValue();
            System.out.println(resolved + " of " + replayed.size() + " replayed dead letter(s) resolved"
                    + (((List<?>) result.get("not_replayed")).isEmpty() ? "" : "; some were not replayed (see not_replayed)"));
            return resolved == replayed.size() && ((List<?>) result.get("not_replayed")).isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "discard", mixinStandardHelpOptions = true, description = "Resolve a dead letter as needing nothing (kept for the record).")
    static class Discard extends Verb {
        @Parameters(paramLabel = "ID")
        long id;

        @Override
        int run(AdminApi admin) throws Exception {
            admin.discard(id);
            System.out.println("dead letter " + id + " discarded");
            return 0;
        }
    }
}
