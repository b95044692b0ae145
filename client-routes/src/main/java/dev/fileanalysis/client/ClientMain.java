package dev.fileanalysis.client;

import dev.fileanalysis.runtime.RoleMain;

/** The client role's own jar: {@code java -jar client-routes/target/client.jar [--data DIR] [--property KEY=VALUE]}. */
public final class ClientMain {

    private ClientMain() {
    }

    public static void main(String[] args) {
        RoleMain.main("client", "Runs the client: watches the drop folder, uploads, writes decrypted results.", args);
    }
}
