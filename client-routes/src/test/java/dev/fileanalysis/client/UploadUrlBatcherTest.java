package dev.fileanalysis.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.fileanalysis.apiclient.ServerApiClient.ChunkUpload;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class UploadUrlBatcherTest {

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<List<Integer>> requests = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private Map<Integer, String> answer(List<ChunkUpload> chunks) {
        requests.add(chunks.stream().map(ChunkUpload::index).toList());
        Map<Integer, String> urls = new HashMap<>();
        chunks.forEach(chunk -> urls.put(chunk.index(), "url-" + chunk.index() + "-" + chunk.md5()));
        return urls;
    }

    /** Set by the first request; the server answers it only once the test counts {@link #serverAnswers} down. */
    private final CountDownLatch firstRequestSent = new CountDownLatch(1);
    private final CountDownLatch serverAnswers = new CountDownLatch(1);

    private Map<Integer, String> answerAfterTheFirstRequestIsHeld(List<ChunkUpload> chunks) throws InterruptedException {
        Map<Integer, String> urls = answer(chunks);
        if (requests.size() == 1) {
            firstRequestSent.countDown();
            assertThat(serverAnswers.await(10, TimeUnit.SECONDS)).isTrue();
        }
        return urls;
    }

    private static ChunkUpload chunk(int index) {
        return new ChunkUpload(index, "md5of" + index, 100 + index);
    }

    @Test
    void chunksThatBecomeReadyWhileARequestIsOnItsWayGoTogetherInTheNextOne() throws Exception {
        UploadUrlBatcher batcher = new UploadUrlBatcher(this::answerAfterTheFirstRequestIsHeld);

        Future<String> first = threads.submit(() -> batcher.url(chunk(0)));
        assertThat(firstRequestSent.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<String>> waiting = new ArrayList<>();
        for (int index = 1; index <= 5; index++) {
            int chunk = index;
            waiting.add(threads.submit(() -> batcher.url(chunk(chunk))));
        }
        // All five are waiting for the first request to come back before any of them asks.
        awaitWaiting(batcher, 5);
        serverAnswers.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("url-0-md5of0");
        for (int index = 1; index <= 5; index++) {
            assertThat(waiting.get(index - 1).get(10, TimeUnit.SECONDS)).isEqualTo("url-" + index + "-md5of" + index);
        }
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0)).containsExactly(0);
        assertThat(requests.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
    }

    @Test
    void aBatchIsNeverLargerThanTheServerTakes() throws Exception {
        UploadUrlBatcher batcher = new UploadUrlBatcher(this::answerAfterTheFirstRequestIsHeld, 3);

        List<Future<String>> all = new ArrayList<>();
        all.add(threads.submit(() -> batcher.url(chunk(0))));
        assertThat(firstRequestSent.await(10, TimeUnit.SECONDS)).isTrue();
        for (int index = 1; index <= 7; index++) {
            int chunk = index;
            all.add(threads.submit(() -> batcher.url(chunk(chunk))));
        }
        awaitWaiting(batcher, 7);
        serverAnswers.countDown();
        for (Future<String> url : all) {
            assertThat(url.get(10, TimeUnit.SECONDS)).startsWith("url-");
        }

        assertThat(requests).allSatisfy(request -> assertThat(request).hasSizeLessThanOrEqualTo(3));
        assertThat(requests.stream().mapToInt(List::size).sum()).as("each chunk asked for once").isEqualTo(8);
    }

    @Test
    void aRefusedRequestFailsEveryChunkInItWithTheServersReasonAndTheNextRequestIsAskedAfresh() throws Exception {
        boolean[] refuse = {true};
        UploadUrlBatcher batcher = new UploadUrlBatcher(chunks -> {
            if (refuse[0]) {
                throw new IOException("HTTP 402: the plan's monthly bytes are used up");
            }
            return answer(chunks);
        });

        assertThatThrownBy(() -> batcher.url(chunk(0))).isInstanceOf(IOException.class).hasMessageContaining("402");
        refuse[0] = false;
        assertThat(batcher.url(chunk(0))).isEqualTo("url-0-md5of0");
    }

    @Test
    void aChunkTheServerLeftOutFailsWithItsIndex() {
        UploadUrlBatcher batcher = new UploadUrlBatcher(chunks -> Map.of());

        assertThatThrownBy(() -> batcher.url(chunk(7))).isInstanceOf(IOException.class).hasMessageContaining("chunk 7");
    }

    /** Waits until {@code count} chunks are waiting in the batcher for the request on its way to come back. */
    private static void awaitWaiting(UploadUrlBatcher batcher, int count) {
        await(count + " chunks waiting").atMost(Duration.ofSeconds(10)).until(() -> batcher.waitingChunks() >= count);
    }
}
