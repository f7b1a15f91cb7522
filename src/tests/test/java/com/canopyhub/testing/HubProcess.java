package com.canopyhub.testing;

import com.canopyhub.app.CanopyHub;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The hub in a JVM of its own, as {@code java -jar target/canopy-hub.jar ARGS} runs it, with its output collected
 * as it comes (for Awaitility to wait on). HUB_* variables of the test JVM are not passed on.
 */
public final class HubProcess {

    public final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;

    private HubProcess(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (IOException e) {
                output.append("(output closed: ").append(e.getMessage()).append(")\n");
            }
        }, "hub-process-output");
        reader.setDaemon(true);
        reader.start();
    }

    public static HubProcess start(Map<String, String> env, String... args) throws IOException {
        return start(List.of(), env, args);
    }

    /** With JVM options before the main class, e.g. {@code -Dos.arch=s390x}. */
    public static HubProcess start(List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CanopyHub.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(new File(".")).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("HUB_"));
        pb.environment().putAll(env);
        // processes of one test may run side by side: their HTTP servers take free ports unless a test chose one
        pb.environment().putIfAbsent("HUB_HTTP_PORT", "0");
        return new HubProcess(pb.start());
    }

    /** A harness's settings as the environment variables an operator would set. */
    public static Map<String, String> environmentOf(Map<String, String> settings) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        settings.forEach((k, v) -> env.put(k.toUpperCase().replace('.', '_').replace('-', '_'), v));
        return env;
    }

    /**
     * SIGTERM, as an operator's {@code kill} or a container stop sends it. Through the process handle: Process.destroy()
     * would also close the output streams, losing what the process prints while it stops.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to end and for its last output line; false if it is still running after the timeout. */
    public boolean waitFor(java.time.Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return false;
        }
        reader.join(timeout.toMillis());
        return true;
    }

    public String output() {
        return output.toString();
    }
}
