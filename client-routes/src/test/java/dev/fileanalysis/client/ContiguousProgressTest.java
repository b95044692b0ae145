package dev.fileanalysis.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class ContiguousProgressTest {

    @Test
    void outOfOrderLandingsReportOnlyTheContiguousCountOncePerAdvance() throws Exception {
        List<Integer> reports = new ArrayList<>();
        ContiguousProgress progress = new ContiguousProgress(reports::add, 10);

        progress.landed(3);
        progress.landed(1);
        assertThat(reports).as("nothing contiguous from 0 yet").isEmpty();
        assertThat(progress.contiguous()).isZero();

        progress.landed(0);
        progress.landed(2);
        progress.landed(5);
        progress.landed(4);

        assertThat(reports).containsExactly(2, 4, 6);
        assertThat(progress.contiguous()).isEqualTo(6);
    }

    @Test
    void inOrderLandingsReportEveryChunkButTheLastWhichTheCompletionConfirms() throws Exception {
        List<Integer> reports = new ArrayList<>();
        ContiguousProgress progress = new ContiguousProgress(reports::add, 5);

        for (int index = 0; index < 5; index++) {
            progress.landed(index);
        }

        assertThat(reports).containsExactly(1, 2, 3, 4);
        assertThat(progress.contiguous()).isEqualTo(5);
        assertThat(progress.reported()).isEqualTo(4);
    }

    @Test
    void aOneChunkFileReportsNoProgressAtAll() throws Exception {
        List<Integer> reports = new ArrayList<>();
        ContiguousProgress progress = new ContiguousProgress(reports::add, 1);

        progress.landed(0);
        progress.prepareCompletion();

        assertThat(reports).isEmpty();
    }

    @Test
    void landingTheSameChunkAgainReportsNothingNew() throws Exception {
        List<Integer> reports = new ArrayList<>();
        ContiguousProgress progress = new ContiguousProgress(reports::add, 10);

        progress.landed(0);
        progress.landed(0);
        progress.landed(1);
        progress.landed(0);

        assertThat(reports).containsExactly(1, 2);
    }

    @Test
    void aFailedReportIsSentAgainWithTheNextLanding() throws Exception {
        List<Integer> reports = new ArrayList<>();
        boolean[] serverDown = {true};
        ContiguousProgress progress = new ContiguousProgress(count -> {
            if (serverDown[0]) {
                throw new IllegalStateException("server unreachable");
            }
            reports.add(count);
        }, 10);

        try {
            progress.landed(0);
        } catch (IllegalStateException expected) {
            // the uploader retries later
        }
        serverDown[0] = false;
        progress.landed(1);

        assertThat(reports).containsExactly(2);
    }

    @Test
    void aLandingDoesNotWaitForAReportOnItsWayWhichThenSendsTheNewerCount() throws Exception {
        List<Integer> reports = new CopyOnWriteArrayList<>();
        CountDownLatch firstReportStarted = new CountDownLatch(1);
        CountDownLatch serverAnswers = new CountDownLatch(1);
        ContiguousProgress progress = new ContiguousProgress(count -> {
            reports.add(count);
            if (count == 1) {
                firstReportStarted.countDown();
                assertThat(serverAnswers.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }, 10);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = pool.submit(() -> {
                progress.landed(0);
                return null;
            });
            assertThat(firstReportStarted.await(10, TimeUnit.SECONDS)).isTrue();

            // Returns at once although the report of chunk 0 is still waiting for the server.
            progress.landed(1);
            progress.landed(2);
            assertThat(reports).containsExactly(1);

            serverAnswers.countDown();
            first.get(10, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(reports).as("chunks 1 and 2 went in one report").containsExactly(1, 3);
    }

    @Test
    void concurrentLandingsNeverGoBackwardsAndEndWithTheFullCount() throws Exception {
        int chunks = 2_000;
        int threads = 4;
        List<Integer> reports = new CopyOnWriteArrayList<>();
        AtomicInteger reporting = new AtomicInteger();
        AtomicInteger mostReportingAtOnce = new AtomicInteger();
        ContiguousProgress progress = new ContiguousProgress(count -> {
            mostReportingAtOnce.accumulateAndGet(reporting.incrementAndGet(), Math::max);
            reports.add(count);
            // A report is a network call: give the other threads time to land chunks meanwhile.
            for (int i = 0; i < 20; i++) {
                Thread.yield();
            }
            reporting.decrementAndGet();
        }, chunks + 1);
        List<Integer> order = new ArrayList<>(IntStream.range(0, chunks).boxed().toList());
        Collections.shuffle(order, new Random(42));
        CountDownLatch start = new CountDownLatch(1);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> landings = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int first = t;
                landings.add(pool.submit(() -> {
                    start.await();
                    for (int i = first; i < chunks; i += threads) {
                        progress.landed(order.get(i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> landing : landings) {
                landing.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(mostReportingAtOnce.get()).as("reports sent at once").isEqualTo(1);
        assertThat(reports).isNotEmpty().isSorted().doesNotHaveDuplicates();
        assertThat(reports.get(reports.size() - 1)).isEqualTo(chunks);
        assertThat(progress.contiguous()).isEqualTo(chunks);
    }

    @Test
    void aResumedUploadStartsFromWhatLandedBeforeAndReportsNothingUntilItAdvances() throws Exception {
        List<Integer> reports = new ArrayList<>();
        java.util.BitSet before = new java.util.BitSet();
        before.set(0, 3);
        before.set(5);
        ContiguousProgress progress = new ContiguousProgress(reports::add, 10, before, 2);

        assertThat(progress.contiguous()).isEqualTo(3);
        assertThat(reports).isEmpty();
        progress.landed(3);
        progress.landed(4);

        assertThat(reports).containsExactly(4, 6);
    }

    @Test
    void aLongResumedAdvanceIsReportedInStepsTheServerAcceptsBeforeCompleting() throws Exception {
        List<Integer> reports = new ArrayList<>();
        java.util.BitSet before = new java.util.BitSet();
        before.set(0, 600);
        ContiguousProgress progress = new ContiguousProgress(reports::add, 600, before, 10);

        progress.prepareCompletion();

        assertThat(reports).containsExactly(10 + ContiguousProgress.MAX_STEP, 10 + 2 * ContiguousProgress.MAX_STEP);
        assertThat(600 - progress.reported()).as("left for the completion").isLessThanOrEqualTo(ContiguousProgress.MAX_STEP);
    }
}
