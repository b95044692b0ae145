package dev.fileanalysis.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.fileanalysis.runtime.Settings;
import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.refusal.RefusalException;

class PlansTest {

    private static Map<String, String> freeAndTeam() {
        Map<String, String> settings = new HashMap<>(Map.of(
                "plans.default", "free",
                "plans.free.bytes-per-month", "10G",
                "plans.free.jobs-per-month", "10000",
                "plans.free.largest-file-bytes", "5G",
                "plans.team.bytes-per-month", "1.5T",
                "plans.team.jobs-per-month", "unlimited",
                "plans.team.largest-file-bytes", "500MiB",
                "server.jobs-table", "pipeline-jobs"));
        return settings;
    }

    @Test
    void readsPlansWithBinarySizes() {
        Plans plans = Plans.from(Settings.of(freeAndTeam()));

        assertThat(plans.defaultPlan()).isEqualTo("free");
        assertThat(plans.plan("free")).contains(new Plan("free", 10L << 30, 10_000, 5L << 30));
        assertThat(plans.plan("team")).contains(new Plan("team", 3L << 39, Long.MAX_VALUE, 500L << 20));
    }

    @Test
    void theShippedServerSettingsDefineAUsableDefaultPlan() {
        Path home = Path.of(System.getProperty("pipeline.home", "..")).toAbsolutePath();
        Settings server = Settings.load(home.resolve("server-routes/application.properties"), null, Map.of(), List.of());

        Plans plans = Plans.from(server);

        assertThat(plans.defaultPlan()).isEqualTo("free");
        assertThat(plans.plan("free")).contains(new Plan("free", 10L << 30, 10_000, 5L << 30));
    }

    @Test
    void anAssignmentWinsOverTheStoredPlanAndAnUnknownStoredPlanFallsBackToTheDefault() {
        Map<String, String> settings = freeAndTeam();
        settings.put("plans.organisation.org-big", "team");
        Plans plans = Plans.from(Settings.of(settings));

        assertThat(plans.planOf(new Organisation("org-big", "Big", "free", "2026-01-01T00:00:00Z")).name()).isEqualTo("team");
        assertThat(plans.planOf(new Organisation("org-a", "A", "team", "2026-01-01T00:00:00Z")).name()).isEqualTo("team");
        assertThat(plans.planOf(new Organisation("org-b", "B", "retired", "2026-01-01T00:00:00Z")).name()).isEqualTo("free");
        assertThat(plans.planOf(new Organisation("org-c", "C", null, "2026-01-01T00:00:00Z")).name()).isEqualTo("free");
    }

    @Test
    void unknownPlanNamesFailAtStartNamingTheSetting() {
        Map<String, String> wrongDefault = freeAndTeam();
        wrongDefault.put("plans.default", "gold");
        assertThatThrownBy(() -> Plans.from(Settings.of(wrongDefault)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'plans.default' names plan 'gold', which is not defined; defined plans: free, team");

        Map<String, String> wrongAssignment = freeAndTeam();
        wrongAssignment.put("plans.organisation.org-1", "platinum");
        assertThatThrownBy(() -> Plans.from(Settings.of(wrongAssignment)))
                .hasMessageContaining("'plans.organisation.org-1' names plan 'platinum'");
    }

    @Test
    void mistakesInAPlanAreNamed() {
        Map<String, String> incomplete = freeAndTeam();
        incomplete.remove("plans.team.jobs-per-month");
        assertThatThrownBy(() -> Plans.from(Settings.of(incomplete)))
                .hasMessage("Plan 'team' is incomplete: set plans.team.jobs-per-month");

        Map<String, String> typo = freeAndTeam();
        typo.put("plans.free.bytes-per-mnoth", "1G");
        assertThatThrownBy(() -> Plans.from(Settings.of(typo))).hasMessageContaining("'plans.free.bytes-per-mnoth' is not understood");

        Map<String, String> badSize = freeAndTeam();
        badSize.put("plans.free.bytes-per-month", "ten gigs");
        assertThatThrownBy(() -> Plans.from(Settings.of(badSize)))
                .hasMessageContaining("'plans.free.bytes-per-month': 'ten gigs' is not a size");

        Map<String, String> badCount = freeAndTeam();
        badCount.put("plans.free.jobs-per-month", "-1");
        assertThatThrownBy(() -> Plans.from(Settings.of(badCount))).hasMessageContaining("must be a whole number or 'unlimited'");

        assertThatThrownBy(() -> Plans.from(Settings.of(Map.of()))).hasMessageContaining("'plans.default' is missing");
    }

    @Test
    void sizesReadAndPrintInBinaryUnits() {
        assertThat(ByteSize.parse("4k")).isEqualTo(4096);
        assertThat(ByteSize.parse("500M")).isEqualTo(500L << 20);
        assertThat(ByteSize.parse("10G")).isEqualTo(10L << 30);
        assertThat(ByteSize.parse("2GiB")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("123")).isEqualTo(123);
        assertThat(ByteSize.format(1L << 30)).isEqualTo("1.0 GiB");
        assertThat(ByteSize.format(4L << 20)).isEqualTo("4.0 MiB");
        assertThat(ByteSize.format(512)).isEqualTo("512 bytes");
        assertThatThrownBy(() -> ByteSize.parse("10X")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFileLargerThanThePlanAllowsIsA413() {
        Plan free = new Plan("free", 10L << 30, 10, 5L << 30);

        free.requireFileFits(5L << 30);
        assertThatThrownBy(() -> free.requireFileFits(6L << 30))
                .isInstanceOfSatisfying(RefusalException.class, e -> assertThat(ErrorResponses.statusOf(e)).isEqualTo(413))
                .hasMessage("Plan 'free' accepts files up to 5.0 GiB; this file is 6.0 GiB (6442450944 bytes).");
    }
}
