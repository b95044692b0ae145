package dev.fileanalysis.runtime;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * Runs one role's YAML routes with camel-main: the route folder's {@code *.camel.yaml} files, with
 * the role's layered {@link Settings} as Camel properties. The beans those routes call are wired by
 * the configuration class the folder's {@code application.properties} names in
 * {@code camel.main.configuration-classes}.
 *
 * <p>With {@code pipeline.liveness-file} set, the runner keeps that {@link LivenessFile} fresh from
 * the moment the routes have started until the role stops, for container health checks.
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
        String livenessFile = settings.get(LivenessFile.SETTING, "").trim();
        if (!livenessFile.isEmpty()) {
            // Now, while a bad path can still stop the start with a sentence: camel-main only logs
            // what a listener throws once the role is running.
            LivenessFile.checkWritable(Path.of(livenessFile));
        }
        AtomicReference<LivenessFile> liveness = new AtomicReference<>();
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                if (!livenessFile.isEmpty()) {
                    liveness.set(LivenessFile.start(Path.of(livenessFile), LivenessFile.INTERVAL,
                            () -> started.getCamelContext().getStatus().isStarted()));
                }
                // The line supervisors and tests wait for: the role's routes are all running.
                System.out.println(role + " started");
            }

            @Override
            public void beforeStop(BaseMainSupport stopping) {
                LivenessFile running = liveness.getAndSet(null);
                if (running != null) {
                    running.close();
                }
            }
        });
        return main;
    }
}
