package dev.fileanalysis.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code DATA/up.properties}: where {@code ./pipeline up} put this run's server (a new port every
 * run), so that {@code ./pipeline login}, {@code org} and {@code member} reach it without flags.
 */
final class RunningServer {

    static final String FILE_NAME = "up.properties";

    private RunningServer() {
    }

    static void write(Path dataFolder, String serverUrl) throws IOException {
        Path temp = Files.createTempFile(dataFolder, "." + FILE_NAME + "-", ".tmp");
        try {
            Files.writeString(temp, "# written by ./pipeline up for the CLI; valid while it runs\nclient.server-url=" + serverUrl + "\n");
            Files.move(temp, dataFolder.resolve(FILE_NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static Optional<String> read(Path dataFolder) throws IOException {
        Path file = dataFolder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return Optional.ofNullable(properties.getProperty("client.server-url"));
    }
}
