package dev.fileanalysis.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The idle window's figures come from the server's own counters, per minute, without the bench's own scrapes. */
class IdleCostTest {

    private static String metrics(double claims, double queries, double gets, double scrapes) {
        return String.join("\n",
                "# HELP pipeline_api_requests_seconds Each API operation's latency",
                "# TYPE pipeline_api_requests_seconds histogram",
                "pipeline_api_requests_seconds_count{operation=\"claim-job\",status=\"ok\"} " + claims,
                "pipeline_api_requests_seconds_count{operation=\"list-results\",status=\"ok\"} 10.0",
                "pipeline_api_requests_seconds_count{operation=\"scrape-metrics\",status=\"ok\"} " + scrapes,
                "pipeline_api_requests_seconds_sum{operation=\"claim-job\",status=\"ok\"} 0.5",
                "# TYPE pipeline_aws_requests_total counter",
                "pipeline_aws_requests_total{operation=\"Query\",service=\"DynamoDb\"} " + queries,
                "pipeline_aws_requests_total{operation=\"GetItem\",service=\"DynamoDb\"} " + gets,
                "pipeline_aws_requests_total{operation=\"PutObject\",service=\"S3\"} 3.0",
                "");
    }

    @Test
    void aWindowOfThirtySecondsIsGivenPerMinuteAndPerProcessor() {
        IdleCost.Measured idle = IdleCost.between(metrics(100, 1000, 50, 4), metrics(160, 1300, 56, 5),
                Map.of("processor", 1.0), Map.of("processor", 1.5, "server", 0.25), 30.0, 2);

        assertThat(idle.apiCallsPerMinute()).containsOnlyKeys("claim-job");
        assertThat(idle.claimsPerProcessorPerMinute()).isCloseTo(60.0, within(1e-9));
        assertThat(idle.awsRequestsPerMinute()).containsOnlyKeys("DynamoDb Query", "DynamoDb GetItem");
        assertThat(idle.dynamoReadsPerMinute()).isCloseTo(612.0, within(1e-9));
        assertThat(idle.cpuSecondsPerMinute()).containsEntry("processor", 1.0).containsEntry("server", 0.5);
        assertThat(idle.wakeSeconds()).isNull();
        assertThat(idle.withWake(0.8).wakeSeconds()).isEqualTo(0.8);
    }

    @Test
    void noClaimInTheWindowIsZeroPerProcessorAndWithoutProcessorsThereIsNoFigure() {
        IdleCost.Measured quiet = IdleCost.between(metrics(5, 0, 0, 0), metrics(5, 0, 0, 1), Map.of(), Map.of(), 60.0, 2);
        IdleCost.Measured none = IdleCost.between(metrics(5, 0, 0, 0), metrics(5, 0, 0, 1), Map.of(), Map.of(), 60.0, 0);

        assertThat(quiet.claimsPerProcessorPerMinute()).isZero();
        assertThat(quiet.dynamoReadsPerMinute()).isZero();
        assertThat(none.claimsPerProcessorPerMinute()).isNull();
    }

    @Test
    void requestsPerFileAreTheCountersGrowthOverTheFilesWithoutTheBenchsScrapes() {
        Map<String, Double> perFile = IdleCost.perFile(metrics(100, 1000, 50, 4), metrics(300, 1600, 50, 5), 100);

        assertThat(perFile).containsOnlyKeys("api claim-job", "aws DynamoDb Query");
        assertThat(perFile.get("api claim-job")).isCloseTo(2.0, within(1e-9));
        assertThat(perFile.get("aws DynamoDb Query")).isCloseTo(6.0, within(1e-9));
        assertThat(BenchReport.requestsPerFile(smallFilesWith(perFile)))
                .contains("API calls: 2.0 per file (claim-job 2.00)")
                .contains("AWS requests: 6.0 per file (DynamoDb Query 6.00)");
        assertThat(BenchReport.requestsPerFile(new ScenarioResult("small-files"))).isEmpty();
    }

    private static ScenarioResult smallFilesWith(Map<String, Double> perFile) {
        ScenarioResult small = new ScenarioResult("small-files");
        small.requestsPerFile.putAll(perFile);
        return small;
    }
}
