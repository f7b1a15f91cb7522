package com.canopyhub.app;

import java.util.concurrent.Callable;

/**
 * A verb another module adds to the hub's command line (a picocli {@code @Command} with a public no-argument
 * constructor), registered in META-INF/services/com.canopyhub.app.HubCommand: the sandbox module's {@code bench}.
 */
public interface HubCommand extends Callable<Integer> {
}
