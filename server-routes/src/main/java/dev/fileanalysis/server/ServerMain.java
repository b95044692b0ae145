package dev.fileanalysis.server;

import dev.fileanalysis.runtime.RoleMain;

/** The server role's own jar: {@code java -jar server-routes/target/server.jar [--data DIR] [--property KEY=VALUE]}. */
public final class ServerMain {

    private ServerMain() {
    }

    public static void main(String[] args) {
        RoleMain.main("server", "Runs the server: REST API, DynamoDB, presigned URLs, token checks.", args);
    }
}
