package dev.fileanalysis.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line: {@code [--config PATH] [--property key=value]... [--help]}. */
record EngineArguments(Path configFile, boolean configGiven, List<String> properties, boolean help) {

    static final String USAGE = String.join(System.lineSeparator(),
            "usage: engine [--config PATH] [--property KEY=VALUE]... [--help]",
            "  --config PATH         properties file (default " + EngineConfig.DEFAULT_FILE + " under the working",
            "                        directory; a missing file means built-in defaults)",
            "  --property KEY=VALUE  set one key; repeatable; wins over the file and the environment",
            "keys (environment variable in brackets, which wins over the file):",
            "  " + EngineConfig.HOST + " [ENGINE_HOST]                          default 127.0.0.1",
            "  " + EngineConfig.PORT + " [ENGINE_PORT]                          default 0 (any free port)",
            "  " + EngineConfig.MAX_BODY_BYTES + " [ENGINE_MAX_BODY_BYTES]      default unlimited",
            "  " + EngineConfig.THREADS + " [ENGINE_THREADS]                    default 4",
            "  " + EngineConfig.READ_TIMEOUT_MS + " [ENGINE_READ_TIMEOUT_MS]    default 600000 (0 = none)",
            "  " + EngineConfig.ALLOW_NON_LOOPBACK + " [ENGINE_ALLOW_NON_LOOPBACK] default false");

    static EngineArguments parse(String... args) {
        Path config = EngineConfig.DEFAULT_FILE;
        boolean configGiven = false;
        List<String> properties = new ArrayList<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
            } else if (arg.equals("--config")) {
                config = Path.of(value(args, ++i, arg));
                configGiven = true;
            } else if (arg.startsWith("--config=")) {
                config = Path.of(arg.substring("--config=".length()));
                configGiven = true;
            } else if (arg.equals("--property")) {
                properties.add(value(args, ++i, arg));
            } else if (arg.startsWith("--property=")) {
                properties.add(arg.substring("--property=".length()));
            } else {
                throw new EngineConfigException("unknown argument '" + arg + "'" + System.lineSeparator() + USAGE);
            }
        }
        return new EngineArguments(config, configGiven, List.copyOf(properties), help);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length || args[index].startsWith("--")) {
            throw new EngineConfigException(option + " needs a value" + System.lineSeparator() + USAGE);
        }
        return args[index];
    }
}
