package dev.fileanalysis.processor;

import dev.fileanalysis.runtime.RoleMain;

/** The processor role's own jar: {@code java -jar processor-routes/target/processor.jar [--data DIR] [--property KEY=VALUE]}. */
public final class ProcessorMain {

    private ProcessorMain() {
    }

    public static void main(String[] args) {
        RoleMain.main("processor", "Runs a processor: claims jobs, streams chunks to the engine, encrypts results.", args);
    }
}
