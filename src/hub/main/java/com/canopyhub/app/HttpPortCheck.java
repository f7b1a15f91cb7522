package com.canopyhub.app;

import com.canopyhub.config.ConfigException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

/**
 * Fails startup with one line naming hub.http.port when the port is taken. Without it the HTTP server's bind error
 * is logged, the hub carries on "running" and serves nothing: TerraVault's order webhooks would be refused unnoticed.
 */
final class HttpPortCheck {

    private HttpPortCheck() {
    }

    static void requireFree(int port) {
        if (port == 0) {
            return; // a free port is picked
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new ConfigException(List.of("hub.http.port: " + port + " is in use (" + e.getMessage() + "): another hub or "
                    + "program listens there; stop it or set hub.http.port (env HUB_HTTP_PORT), or hub.http.enabled=false "
                    + "if no order webhooks need to reach this hub"));
        }
    }
}
