package dev.fileanalysis.runtime;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Runs one role's YAML routes with camel-main: the route folder's {@code *.camel.yaml} files, with
 * the role's layered {@link Settings} as Camel properties. The beans those routes call are wired by
 * the configuration class the folder's {@code application.properties} names in
 * {@code camel.main.configuration-classes}.
 */
public final class RoleRunner {

    private RoleRunner() {
    }

    /** Starts the role and blocks until the JVM is asked to stop (Ctrl-C, SIGTERM). */
    public static void run(String role, Path routeFolder, Settings settings) throws Exception {
        Main main = create(role, routeFolder, settings);
        main.run();
    }

    public static Main create(String role, Path routeFolder, Settings settings) {
        if (!Files.isDirectory(routeFolder)) {
            throw new IllegalStateException("Route folder of role '" + role + "' not found: " + routeFolder.toAbsolutePath()
                    + " (run the pipeline from the project folder, or set pipeline.home)");
        }
        Main main = new Main();
        // Only the layered settings configure the role: no application.properties from the class path.
        main.setDefaultPropertyPlaceholderLocation("false");
        main.setOverrideProperties(settings.asProperties());
        main.bind(CamelSettings.REGISTRY_NAME, settings);
        main.configure().withName(role);
        main.configure().withRoutesIncludePattern("file:" + routeFolder.toAbsolutePath() + "/*.camel.yaml");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                // The line supervisors and tests wait for: the role's routes are all running.
                System.out.println(role + " started");
            }
        });
        return main;
    }
}
