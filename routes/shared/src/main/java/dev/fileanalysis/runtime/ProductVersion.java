package dev.fileanalysis.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The product's version, from the parent POM (filtered into {@code pipeline-version.properties}):
 * the one source clients stamp on the jobs they sign and processors compare with their range.
 */
public final class ProductVersion {

    private static final String VERSION = load();

    private ProductVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = ProductVersion.class.getResourceAsStream("/pipeline-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("pipeline-version.properties missing from the class path; rebuild with Maven");
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
