package dev.fileanalysis.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.fileanalysis.engine.Engine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** Runs the example engine (engine/README.md states its contract). */
@Command(name = "engine", mixinStandardHelpOptions = true, description = "Runs the example analysis engine on loopback (options: --config PATH, --property key=value).")
public final class EngineCommand implements Callable<Integer> {

    /** Everything after {@code engine}, passed on unchanged in its order (the engine parses its own options). */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        List<String> engineArguments = new ArrayList<>(arguments);
        if (!engineArguments.contains("--config")) {
            engineArguments.add("--config");
            engineArguments.add(System.getProperty("pipeline.home", ".") + "/engine/application.properties");
        }
        Engine.main(engineArguments.toArray(String[]::new));
        // The engine serves from its own threads until the JVM is asked to stop.
        Thread.currentThread().join();
        return 0;
    }
}
