package dev.fileanalysis.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.fileanalysis.server.ErrorResponses;
import dev.fileanalysis.server.directory.DirectoryStore.Usage;
import dev.fileanalysis.server.testing.DevStackFixture;

/** Monthly plan usage: charges, refusals, refunds and month ends, against the real devstack's dynalite. */
class PlanUsageIT {

    private static final long GIB = 1L << 30;
    private static final long MIB = 1L << 20;

    private static DevStackFixture devstack;
    private static DirectoryStore directory;
    private static MovableClock clock;

    @BeforeAll
    static void start() throws Exception {
        devstack = DevStackFixture.start();
        clock = new MovableClock(Instant.parse("2026-11-20T10:00:00Z"));
        directory = new DirectoryStore(devstack.dynamoDb(), "pipeline-directory", clock);
    }

    @AfterAll
    static void stop() {
        if (devstack != null) {
            devstack.close();
        }
    }

    @BeforeEach
    void novemberTwentieth() {
        clock.set(Instant.parse("2026-11-20T10:00:00Z"));
    }

    private static String newOrg() {
        return "org-" + UUID.randomUUID();
    }

    @Test
    void sixteenConcurrentChargesNeverPassTheLimitAndExactlyThoseThatFitSucceed() throws Exception {
        String org = newOrg();
        // 10 charges of 100 MiB fit into 1000 MiB; 16 are attempted at once.
        Plan plan = new Plan("small", 1000 * MIB, 1_000_000, GIB);

        List<String> outcomes = DirectoryStoreIT.concurrently(16, () -> {
            try {
                directory.charge(org, plan, 100 * MIB, 1);
                return "charged";
            } catch (QuotaExceededException refused) {
                return "refused";
            }
        });

        assertThat(outcomes).filteredOn("charged"::equals).hasSize(10);
        assertThat(outcomes).filteredOn("refused"::equals).hasSize(6);
        Usage usage = directory.usage(org);
        assertThat(usage.bytes()).isEqualTo(1000 * MIB);
        assertThat(usage.jobs()).isEqualTo(10);
    }

    @Test
    void aRefusalNamesThePlanTheLimitTheUsageAndWhenItResets() {
        String org = newOrg();
        Plan free = new Plan("free", GIB, 10_000, GIB);
        directory.charge(org, free, GIB, 1);

        assertThatThrownBy(() -> directory.charge(org, free, 4 * MIB, 1))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(ErrorResponses.statusOf(e)).isEqualTo(402);
                    assertThat(e.limitName()).isEqualTo("bytes-per-month");
                    assertThat(e.limit()).isEqualTo(GIB);
                    assertThat(e.used()).isEqualTo(GIB);
                    assertThat(e.resets()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
                })
                .hasMessage("Plan 'free' allows 1.0 GiB per month; 1.0 GiB used (1073741824 bytes); this upload needs 4.0 MiB more. "
                        + "Usage resets at 2026-12-01T00:00:00Z.");
        assertThat(directory.usage(org).bytes()).as("a refused charge adds nothing").isEqualTo(GIB);
    }

    @Test
    void theJobLimitIsEnforcedAndNamed() {
        String org = newOrg();
        Plan plan = new Plan("tiny", GIB, 2, GIB);
        directory.charge(org, plan, 1, 1);
        directory.charge(org, plan, 1, 1);

        assertThatThrownBy(() -> directory.charge(org, plan, 1, 1))
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> assertThat(e.limitName()).isEqualTo("jobs-per-month"))
                .hasMessageContaining("allows 2 jobs per month; 2 jobs used");
    }

    @Test
    void anUploadLargerThanTheWholeMonthlyAllowanceIsRefusedEvenOnAFreshMonth() {
        String org = newOrg();

        assertThatThrownBy(() -> directory.charge(org, new Plan("free", GIB, 10, GIB), 2 * GIB, 1))
                .isInstanceOf(QuotaExceededException.class).hasMessageContaining("0 bytes used");
        assertThat(directory.usage(org).bytes()).isZero();
    }

    @Test
    void aRefundMakesRoomAgainButNeverGoesBelowZero() {
        String org = newOrg();
        Plan plan = new Plan("free", 10 * MIB, 10, GIB);
        directory.charge(org, plan, 10 * MIB, 1);

        directory.refund(org, 4 * MIB, 1);
        directory.charge(org, plan, 4 * MIB, 1);
        directory.refund(org, 100 * MIB, 5);

        assertThat(directory.usage(org)).extracting(Usage::bytes, Usage::jobs)
                .containsExactly(0L, 0L);
    }

    @Test
    void aNewUtcMonthStartsFromZero() {
        String org = newOrg();
        Plan plan = new Plan("free", GIB, 10, GIB);
        clock.set(Instant.parse("2026-11-30T23:59:00Z"));
        directory.charge(org, plan, GIB, 3);
        assertThatThrownBy(() -> directory.charge(org, plan, 1, 1)).isInstanceOf(QuotaExceededException.class);

        clock.advance(Duration.ofMinutes(2));

        Usage december = directory.usage(org);
        assertThat(december.bytes()).isZero();
        assertThat(december.jobs()).isZero();
        assertThat(december.resets()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        directory.charge(org, plan, GIB, 1);
        assertThat(directory.usage(org).bytes()).isEqualTo(GIB);
    }
}
