package dev.fileanalysis.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an idle system costs: the API calls and the DynamoDB requests its server makes while no job
 * exists, read from the server's own {@code /metrics} counters before and after a quiet window, and
 * each role's CPU over it. A fleet is billed for this every minute it waits, so the report gives it
 * per minute and per processor, at the defaults an operator runs (not the bench's short polling).
 */
final class IdleCost {

    /** The idle window's figures, per minute. */
    record Measured(double windowSeconds, int processors, Map<String, Double> apiCallsPerMinute,
                    Map<String, Double> awsRequestsPerMinute, Map<String, Double> cpuSecondsPerMinute, Double wakeSeconds) {

        /** The same window, with the drop-to-result time of one small file dropped right after it. */
        Measured withWake(double seconds) {
            return new Measured(windowSeconds, processors, apiCallsPerMinute, awsRequestsPerMinute, cpuSecondsPerMinute, seconds);
        }

        /** Claims (claim-jobs, or claim-job of older processors) per processor per minute: asking for work when there is none. */
        Double claimsPerProcessorPerMinute() {
            return processors == 0 ? null
                    : (apiCallsPerMinute.getOrDefault("claim-job", 0.0) + apiCallsPerMinute.getOrDefault("claim-jobs", 0.0)) / processors;
        }

        /** DynamoDB reads (Query, GetItem, Scan, BatchGetItem) per minute, the whole server's. */
        double dynamoReadsPerMinute() {
            return awsRequestsPerMinute.entrySet().stream()
                    .filter(entry -> entry.getKey().startsWith("DynamoDb ") && READS.matcher(entry.getKey()).find())
                    .mapToDouble(Map.Entry::getValue).sum();
        }
    }

    private static final Pattern READS = Pattern.compile(" (Query|GetItem|Scan|BatchGetItem)$");
    private static final Pattern API_CALLS = Pattern.compile(
            "^pipeline_api_requests_seconds_count\\{[^}]*operation=\"([^\"]+)\"[^}]*} ([0-9.eE+-]+)$");
    private static final Pattern AWS_REQUESTS = Pattern.compile(
            "^pipeline_aws_requests_total\\{([^}]*)} ([0-9.eE+-]+)$");
    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    private IdleCost() {
    }

    /** Counters of one {@code /metrics} text: API calls by operation, then AWS requests as "service operation". */
    static Map<String, Double> counters(String metrics) {
        Map<String, Double> counters = new TreeMap<>();
        for (String line : metrics.split("\n")) {
            Matcher api = API_CALLS.matcher(line);
            if (api.matches()) {
                counters.merge("api " + api.group(1), Double.parseDouble(api.group(2)), Double::sum);
                continue;
            }
            Matcher aws = AWS_REQUESTS.matcher(line);
            if (aws.matches()) {
                Map<String, String> labels = new LinkedHashMap<>();
                Matcher label = LABEL.matcher(aws.group(1));
                while (label.find()) {
                    labels.put(label.group(1), label.group(2));
                }
                counters.merge("aws " + labels.get("service") + " " + labels.get("operation"),
                        Double.parseDouble(aws.group(2)), Double::sum);
            }
        }
        return counters;
    }

    static String scrape(HttpClient http, URI server) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.resolve("/metrics"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + response.statusCode());
        }
        return response.body();
    }

    /**
     * What the server did per file between two scrapes: "api OPERATION" and "aws SERVICE
     * OPERATION" counts over {@code files}, the bench's own scrapes left out.
     */
    static Map<String, Double> perFile(String before, String after, int files) {
        Map<String, Double> start = counters(before);
        Map<String, Double> perFile = new TreeMap<>();
        counters(after).forEach((name, value) -> {
            double delta = value - start.getOrDefault(name, 0.0);
            if (delta > 0 && !name.equals("api scrape-metrics")) {
                perFile.put(name, delta / files);
            }
        });
        return perFile;
    }

    /** The figures of a window from two scrapes and two CPU readings {@code seconds} apart. */
    static Measured between(String before, String after, Map<String, Double> cpuBefore, Map<String, Double> cpuAfter,
                            double seconds, int processors) {
        Map<String, Double> start = counters(before);
        Map<String, Double> end = counters(after);
        Map<String, Double> api = new TreeMap<>();
        Map<String, Double> aws = new TreeMap<>();
        double perMinute = 60.0 / seconds;
        end.forEach((name, value) -> {
            double delta = (value - start.getOrDefault(name, 0.0)) * perMinute;
            // the window's own two scrapes are the bench's, not the idle system's
            if (delta <= 0 || name.equals("api scrape-metrics")) {
                return;
            }
            if (name.startsWith("api ")) {
                api.put(name.substring(4), delta);
            } else {
                aws.put(name.substring(4), delta);
            }
        });
        Map<String, Double> cpu = new LinkedHashMap<>();
        RoleCpu.spent(cpuBefore, cpuAfter).forEach((role, spent) -> cpu.put(role, spent * perMinute));
        return new Measured(seconds, processors, api, aws, cpu, null);
    }
}
