package dev.fileanalysis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each image runs as a user without privileges on a JRE (no JDK, no build tools), says whether it is
 * healthy, stops on SIGTERM, holds no secret, and carries only its role's jar, libraries and route
 * folder.
 */
class DockerfilesTest {

    /** Names that would put a credential into every copy of the image and its history. */
    private static final Pattern SECRET_NAME = Pattern.compile("(?i).*(secret|passw|pwd|token|credential|private|api_?key|access_?key|_key$).*");
    /** Values shaped like AWS access keys or PEM blocks, whatever their name. */
    private static final Pattern SECRET_VALUE = Pattern.compile("(AKIA|ASIA)[A-Z0-9]{16}|-----BEGIN");
    /** A Temurin JRE 17 by a full version tag: eclipse-temurin:17.0.15_6-jre-noble, not 17-jre or latest. */
    private static final Pattern PINNED_JRE = Pattern.compile("eclipse-temurin:17\\.\\d+\\.\\d+(\\.\\d+)?_\\d+-jre(-[a-z]+)?");

    @ParameterizedTest
    @EnumSource(Images.class)
    void theImageRunsAsAUserWithoutPrivileges(Images image) throws IOException {
        String user = image.load().image().user().orElse("root");

        assertThat(user.split(":")[0]).as("USER of %s", image.dockerfile()).isNotIn("root", "0", "");
    }

    @ParameterizedTest
    @EnumSource(Images.class)
    void theImageHasAHealthCheckInExecFormWithAStartPeriod(Images image) throws IOException {
        Dockerfile.Healthcheck healthcheck = image.load().image().healthcheck().orElse(null);

        assertThat(healthcheck).as("HEALTHCHECK of %s", image.dockerfile()).isNotNull();
        assertThat(healthcheck.command()).as("run by bash, which the JRE image has (it has no curl)").startsWith("bash", "-c");
        assertThat(healthcheck.options()).containsKeys("interval", "timeout", "start-period");
    }

    @ParameterizedTest
    @EnumSource(Images.class)
    void noImageHoldsASecret(Images image) throws IOException {
        Dockerfile dockerfile = image.load();
        List<String> found = new ArrayList<>();
        for (Dockerfile.Stage stage : dockerfile.stages()) {
            for (Map.Entry<String, String> env : stage.environment().entrySet()) {
                if (SECRET_NAME.matcher(env.getKey()).matches() || SECRET_VALUE.matcher(env.getValue()).find()) {
                    found.add("ENV " + env.getKey());
                }
            }
        }
        for (String arg : dockerfile.argNames()) {
            if (SECRET_NAME.matcher(arg).matches()) {
                found.add("ARG " + arg);
            }
        }
        assertThat(found).as("secret-looking ENV or ARG in %s", image.dockerfile()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Images.class)
    void theImageIsAPinnedJreWithoutBuildTools(Images image) throws IOException {
        Dockerfile dockerfile = image.load();
        Dockerfile.Stage runs = dockerfile.image();

        assertThat(runs.baseImage()).as("final FROM of %s", image.dockerfile()).matches(PINNED_JRE);
        assertThat(dockerfile.stages()).as("a build stage before it").hasSizeGreaterThan(1);
        assertThat(dockerfile.stages().get(0).baseImage()).as("the build stage: Maven on a JDK 17")
                .matches("maven:3\\.9\\.\\d+-eclipse-temurin-17");
        for (Dockerfile.Instruction run : runs.all("RUN")) {
            assertThat(run.arguments()).as("RUN in the final stage of %s", image.dockerfile())
                    .doesNotContainPattern("\\b(mvn|apt-get|apt|curl|wget|pip)\\b");
        }
        for (Dockerfile.Copy copy : runs.copies()) {
            if (copy.fromStage() == null) {
                assertThat(copy.sources()).as("files taken straight from the build context by %s", image.dockerfile())
                        .allSatisfy(source -> assertThat(source).doesNotContain("*").isNotIn(".", "./"));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Images.class, names = {"SERVER", "PROCESSOR", "CLIENT"})
    void aRoleImageCarriesItsJarLibrariesAndRouteFolderAndRunsItWithTheRunnersOptions(Images image) throws IOException {
        Dockerfile dockerfile = image.load();
        Dockerfile.Stage runs = dockerfile.image();
        String build = "/build/" + image.module + "/";

        assertThat(dockerfile.stages().get(0).all("RUN")).anySatisfy(run -> assertThat(run.arguments())
                .contains("mvn -B").contains("-DskipTests package -pl " + image.module + " -am"));
        List<String> routeFiles = new ArrayList<>(List.of(build + "*.camel.yaml", build + "application.properties"));
        if (image == Images.SERVER) {
            routeFiles.add(build + "openapi.yaml");
        }
        assertThat(runs.copies()).containsExactly(
                new Dockerfile.Copy("build", List.of(build + "target/" + image.name + ".jar"), "/app/" + image.name + ".jar"),
                new Dockerfile.Copy("build", List.of(build + "target/lib"), "/app/lib"),
                new Dockerfile.Copy("build", routeFiles, "/app/routes/"));
        assertThat(runs.entrypoint()).startsWith("java").contains("-XX:MaxRAMPercentage=75")
                .endsWith("-jar", "/app/" + image.name + ".jar", "--routes", "/app/routes", "--data", "/data");
        assertThat(runs.all("STOPSIGNAL")).extracting(Dockerfile.Instruction::arguments).containsExactly("SIGTERM");
    }

    @ParameterizedTest
    @EnumSource(value = Images.class, names = {"ENGINE", "DEV_OIDC"})
    void theOtherImagesStartTheirJavaProgramDirectlyAndStopOnSigterm(Images image) throws IOException {
        Dockerfile.Stage runs = image.load().image();

        // Exec form with java first: the JVM is PID 1 and receives the stop signal itself.
        assertThat(runs.entrypoint()).startsWith("java").contains("-XX:MaxRAMPercentage=75");
        assertThat(runs.all("STOPSIGNAL")).extracting(Dockerfile.Instruction::arguments).containsExactly("SIGTERM");
    }

    @ParameterizedTest
    @EnumSource(value = Images.class, names = {"PROCESSOR", "CLIENT"})
    void aRoleThatListensOnNothingIsHealthyByItsLivenessFile(Images image) throws IOException {
        Dockerfile.Stage runs = image.load().image();

        assertThat(runs.environment()).containsKey("PIPELINE_LIVENESS_FILE");
        assertThat(runs.environment().get("PIPELINE_LIVENESS_FILE")).startsWith("/tmp/");
        assertThat(String.join(" ", runs.healthcheck().orElseThrow().command())).contains("$PIPELINE_LIVENESS_FILE");
        assertThat(runs.all("EXPOSE")).isEmpty();
    }
}
