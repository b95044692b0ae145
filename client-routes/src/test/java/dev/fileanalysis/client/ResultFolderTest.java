package dev.fileanalysis.client;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ResultFolderTest {

    @TempDir
    Path folder;

    @Test
    void resultsPublishedAtTheSameMomentUnderOneNameNeverOverwriteEachOther() throws Exception {
        ResultFolder results = new ResultFolder(folder);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                String name = "report-" + round + ".pdf.json";
                CyclicBarrier together = new CyclicBarrier(2);
                List<Future<Boolean>> publishes = new ArrayList<>();
                for (String writer : List.of("a", "b")) {
                    Path staged = results.stage(writer + round, (writer + " wrote round " + round).getBytes(StandardCharsets.UTF_8));
                    publishes.add(two.submit(() -> {
                        together.await(10, TimeUnit.SECONDS);
                        return results.publish(staged, name);
                    }));
                }
                boolean first = publishes.get(0).get(10, TimeUnit.SECONDS);
                boolean second = publishes.get(1).get(10, TimeUnit.SECONDS);

                assertThat(first ^ second).as("round %d: exactly one result got the name", round).isTrue();
                String winner = first ? "a" : "b";
                assertThat(Files.readString(folder.resolve(name))).isEqualTo(winner + " wrote round " + round);
                String loser = first ? "b" : "a";
                assertThat(folder.resolve("." + loser + round + ".tmp")).as("the other result is still staged, not lost").exists();
                assertThat(folder.resolve("." + winner + round + ".tmp")).as("a published result leaves no staged copy").doesNotExist();
            }
        } finally {
            two.shutdownNow();
        }
    }
}
