package dev.fileanalysis.deploy;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.fileanalysis.cli.Processes;
import dev.fileanalysis.runtime.Settings;

/**
 * docker-compose.yml brought up without Docker: every container a process on this machine, started
 * with its image's ENTRYPOINT and ENV and the compose file's environment, and judged healthy by its
 * image's own HEALTHCHECK command. What a container has and a process does not is translated, and
 * nothing else:
 * <ul>
 *   <li>service host names (and network aliases) are 127.0.0.1, and each container port is a free
 *       local port; {@code 0.0.0.0} is 127.0.0.1 (a test binds nothing beyond loopback);</li>
 *   <li>paths inside the image are the repository's files the Dockerfile's COPY lines take
 *       ({@code /app/server.jar} is {@code server-routes/target/server.jar}), and each container has
 *       its own {@code /data} and {@code /tmp} folders;</li>
 *   <li>the JVM is this one's {@code java}, told the container's memory limit ({@code -XX:MaxRAM}),
 *       which is what {@code -XX:MaxRAMPercentage} divides;</li>
 *   <li>LocalStack is the embedded default's emulators (S3 and DynamoDB on two ports where LocalStack
 *       has one, so a variable naming DYNAMODB gets the DynamoDB one), checking SigV4 against their
 *       own key pair where LocalStack takes test/test.</li>
 * </ul>
 * Not reproduced: users, read-only root file systems, dropped capabilities, network isolation.
 */
final class ComposeOnThisMachine implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("(https?)://([A-Za-z0-9.-]+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final String STAND_IN_FOR_LOCALSTACK = "localstack";

    private final ComposeFile compose;
    private final Path home;
    private final Path root;
    private final Settings emulators;
    private final Map<String, Integer> localPorts = new LinkedHashMap<>();
    private final Map<String, ComposeFile.Service> hosts = new LinkedHashMap<>();
    private final List<Container> started = new ArrayList<>();

    /**
     * @param emulators the running devstack's endpoints and credentials (DATA/devstack.properties)
     * @param root      where the containers' folders and logs go
     */
    ComposeOnThisMachine(ComposeFile compose, Path home, Path root, Settings emulators) {
        this.compose = compose;
        this.home = home;
        this.root = root;
        this.emulators = emulators;
        for (ComposeFile.Service service : compose.services().values()) {
            hosts.put(service.name(), service);
            service.aliases().forEach(alias -> hosts.put(alias, service));
            for (int port : service.containerPorts()) {
                localPorts.put(service.name() + ":" + port, Processes.freePort());
            }
        }
    }

    /** Services in an order that starts each after what it depends on. */
    List<ComposeFile.Service> startOrder() {
        Map<String, ComposeFile.Service> services = compose.services();
        Set<String> ordered = new LinkedHashSet<>();
        for (String name : services.keySet()) {
            visit(name, services, ordered, new LinkedHashSet<>());
        }
        return ordered.stream().map(services::get).toList();
    }

    private static void visit(String name, Map<String, ComposeFile.Service> services, Set<String> ordered, Set<String> path) {
        if (ordered.contains(name)) {
            return;
        }
        if (!path.add(name)) {
            throw new IllegalStateException("depends_on has a cycle through " + path);
        }
        for (String dependency : services.get(name).dependsOn().keySet()) {
            visit(dependency, services, ordered, path);
        }
        ordered.add(name);
    }

    /**
     * Starts every replica of {@code service} and waits until each passes its image's health check.
     * LocalStack is the emulators, already running.
     */
    List<Container> start(ComposeFile.Service service) throws IOException, InterruptedException {
        if (service.name().equals(STAND_IN_FOR_LOCALSTACK)) {
            return List.of();
        }
        Dockerfile dockerfile = Images.of(service).load();
        List<Container> containers = new ArrayList<>();
        for (int replica = 1; replica <= service.replicas(); replica++) {
            Container container = new Container(service, replica, dockerfile);
            container.start();
            started.add(container);
            containers.add(container);
        }
        for (Container container : containers) {
            container.awaitHealthy();
        }
        return containers;
    }

    List<Container> containers() {
        return List.copyOf(started);
    }

    /** The local port standing for {@code service}'s container port. */
    int localPort(String service, int containerPort) {
        Integer port = localPorts.get(service + ":" + containerPort);
        if (port == null) {
            throw new IllegalStateException(service + " does not listen on " + containerPort + " in docker-compose.yml");
        }
        return port;
    }

    /** One container of a service, as a process. */
    final class Container {
        private final ComposeFile.Service service;
        private final Path folder;
        private final Map<String, Path> paths = new LinkedHashMap<>();
        private final List<String> command;
        private final Map<String, String> environment;
        private final List<String> healthcheck;
        private final Duration healthcheckTimeout;
        private Process process;

        private Container(ComposeFile.Service service, int replica, Dockerfile dockerfile) throws IOException {
            this.service = service;
            this.folder = Files.createDirectories(root.resolve(service.name() + "-" + replica));
            Dockerfile.Stage image = dockerfile.image();
            paths.put("/data", Files.createDirectories(folder.resolve("data")));
            paths.put("/tmp", Files.createDirectories(folder.resolve("tmp")));
            paths.putAll(copiedPaths(dockerfile));
            Map<String, String> variables = new LinkedHashMap<>(image.environment());
            variables.putAll(service.environment());
            this.environment = new LinkedHashMap<>();
            variables.forEach((name, value) -> environment.put(name, translateVariable(name, value)));
            this.command = translateCommand(image.entrypoint());
            Dockerfile.Healthcheck check = image.healthcheck().orElseThrow(() -> new IllegalStateException(
                    dockerfile.file() + " has no HEALTHCHECK"));
            this.healthcheck = check.command();
            this.healthcheckTimeout = seconds(check.options().getOrDefault("timeout", "30s"));
        }

        String name() {
            return folder.getFileName().toString();
        }

        ComposeFile.Service service() {
            return service;
        }

        List<String> command() {
            return command;
        }

        Map<String, String> environment() {
            return environment;
        }

        /** Where a path inside the container is on this machine. */
        Path path(String inContainer) {
            String translated = translatePath(inContainer);
            if (translated.equals(inContainer)) {
                throw new IllegalStateException(inContainer + " is not a path " + name() + " has on this machine");
            }
            return Path.of(translated);
        }

        Process process() {
            return process;
        }

        Path log() {
            return folder.resolve("console.log");
        }

        private void start() throws IOException {
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(log().toFile());
            containerEnvironment(builder.environment());
            process = builder.start();
            // What ran, for whoever reads a failed build's output.
            System.out.println(name() + ": " + String.join(" ", command) + "\n  environment " + environment);
        }

        /** Runs the image's HEALTHCHECK command until it passes; fails with the log if the process ends or time runs out. */
        private void awaitHealthy() throws IOException, InterruptedException {
            Instant deadline = Instant.now().plus(START_TIMEOUT);
            Path checkOutput = folder.resolve("healthcheck.log");
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name() + " ended with exit code " + process.exitValue() + " while starting:\n" + tail());
                }
                if (check(checkOutput)) {
                    return;
                }
                // Docker runs the check every --interval; half a second keeps the test quick.
                TimeUnit.MILLISECONDS.sleep(500);
            }
            throw new IllegalStateException(name() + " did not pass its health check within " + START_TIMEOUT.toSeconds()
                    + " s (last check said: " + Files.readString(checkOutput, StandardCharsets.UTF_8).trim() + "):\n" + tail());
        }

        /** Whether the image's health check passes now. */
        boolean healthy() throws IOException, InterruptedException {
            return check(folder.resolve("healthcheck.log"));
        }

        /** One run of the HEALTHCHECK command, in the container's environment, within its --timeout. */
        private boolean check(Path output) throws IOException, InterruptedException {
            ProcessBuilder check = new ProcessBuilder(healthcheck).directory(folder.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            containerEnvironment(check.environment());
            Process running = check.start();
            if (!running.waitFor(healthcheckTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                running.destroyForcibly();
                return false;
            }
            return running.exitValue() == 0;
        }

        /** What `docker stop` does: the stop signal (SIGTERM), then a kill after the grace period. Returns how long it took. */
        Duration stop(Duration grace) throws InterruptedException {
            Instant asked = Instant.now();
            process.destroy();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            return Duration.between(asked, Instant.now());
        }

        String tail() throws IOException {
            if (!Files.exists(log())) {
                return "(no output)";
            }
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }

        private void containerEnvironment(Map<String, String> target) {
            String path = target.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin");
            target.clear();
            // A container's environment is its image's and its service's: nothing of the test's leaks in.
            target.put("PATH", path);
            target.putAll(environment);
        }

        private List<String> translateCommand(List<String> entrypoint) {
            if (!entrypoint.get(0).equals("java")) {
                throw new IllegalStateException(service.name() + "'s ENTRYPOINT starts with " + entrypoint.get(0) + ", not java");
            }
            List<String> translated = new ArrayList<>();
            translated.add(Processes.javaBinary());
            service.memoryLimit().ifPresent(limit -> translated.add("-XX:MaxRAM=" + limit));
            for (String argument : entrypoint.subList(1, entrypoint.size())) {
                int equals = argument.indexOf('=');
                if (argument.startsWith("-") && equals > 0) {
                    translated.add(argument.substring(0, equals + 1) + translatePath(argument.substring(equals + 1)));
                } else {
                    translated.add(translatePath(argument));
                }
            }
            return translated;
        }

        private String translateVariable(String name, String value) {
            if (name.equals("AWS_ACCESS_KEY_ID")) {
                return emulators.require("aws.access-key-id");
            }
            if (name.equals("AWS_SECRET_ACCESS_KEY")) {
                return emulators.require("aws.secret-access-key");
            }
            if (value.equals("0.0.0.0")) {
                return "127.0.0.1";
            }
            if (name.endsWith("PORT") && value.matches("\\d+") && localPorts.containsKey(service.name() + ":" + value)) {
                return Integer.toString(localPorts.get(service.name() + ":" + value));
            }
            if (value.startsWith("/")) {
                return translatePath(value);
            }
            Matcher urls = URL.matcher(value);
            StringBuilder result = new StringBuilder();
            while (urls.find()) {
                ComposeFile.Service target = hosts.get(urls.group(2));
                String replacement = urls.group();
                if (target != null && target.name().equals(STAND_IN_FOR_LOCALSTACK)) {
                    String endpoint = emulators.require(name.contains("DYNAMODB") ? "dynamodb.endpoint" : "s3.endpoint");
                    replacement = endpoint.replaceAll("/+$", "");
                } else if (target != null) {
                    replacement = urls.group(1) + "://127.0.0.1:" + localPort(target.name(), Integer.parseInt(urls.group(3)));
                }
                urls.appendReplacement(result, Matcher.quoteReplacement(replacement));
            }
            urls.appendTail(result);
            return result.toString();
        }

        private String translatePath(String inContainer) {
            List<String> longestFirst = paths.keySet().stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
            for (String path : longestFirst) {
                if (inContainer.equals(path) || inContainer.startsWith(path + "/")) {
                    return paths.get(path) + inContainer.substring(path.length());
                }
            }
            return inContainer;
        }

        /**
         * The image's paths that COPY fills, on this machine: a single file or folder is itself; files
         * copied into a folder ({@code .../routes/}) make that folder their common source folder.
         */
        private Map<String, Path> copiedPaths(Dockerfile dockerfile) {
            String buildFolder = dockerfile.stages().get(0).all("WORKDIR").stream().reduce((first, last) -> last)
                    .map(Dockerfile.Instruction::arguments).orElse("/");
            Map<String, Path> copied = new LinkedHashMap<>();
            for (Dockerfile.Copy copy : dockerfile.image().copies()) {
                List<Path> sources = new ArrayList<>();
                for (String source : copy.sources()) {
                    String relative = copy.fromStage() == null ? source : stripFolder(buildFolder, source);
                    sources.add(home.resolve(relative).normalize());
                }
                String destination = copy.destination().replaceAll("/+$", "");
                if (copy.destination().endsWith("/")) {
                    Set<Path> folders = new LinkedHashSet<>();
                    sources.forEach(source -> folders.add(source.getParent()));
                    if (folders.size() != 1) {
                        throw new IllegalStateException(dockerfile.file() + ": COPY into " + copy.destination() + " from several folders");
                    }
                    copied.put(destination, folders.iterator().next());
                } else {
                    if (sources.size() != 1 || sources.get(0).toString().contains("*")) {
                        throw new IllegalStateException(dockerfile.file() + ": COPY to " + destination + " from " + copy.sources());
                    }
                    copied.put(destination, sources.get(0));
                }
            }
            return copied;
        }

        private String stripFolder(String folder, String path) {
            String prefix = folder.endsWith("/") ? folder : folder + "/";
            if (!path.startsWith(prefix)) {
                throw new IllegalStateException(service.name() + ": COPY --from takes " + path + ", outside the build folder " + folder);
            }
            return path.substring(prefix.length());
        }
    }

    private static Duration seconds(String dockerDuration) {
        Matcher matcher = Pattern.compile("(\\d+)(ms|s|m)").matcher(dockerDuration);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("not a Docker duration: " + dockerDuration);
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
    }

    /** Every container still running is killed: a failed test leaves no process behind. */
    @Override
    public void close() throws InterruptedException {
        for (Container container : started) {
            if (container.process != null && container.process.isAlive()) {
                container.process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** A URL of the compose file as this machine reaches it. */
    URI address(String service, int containerPort, String path) {
        return URI.create("http://127.0.0.1:" + localPort(service, containerPort) + path);
    }
}
