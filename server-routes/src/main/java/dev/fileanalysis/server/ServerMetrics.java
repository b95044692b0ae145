package dev.fileanalysis.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyConfiguration;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicyFactory;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * The server's figures for the operator's monitoring, {@code GET /metrics} in Prometheus's text
 * format:
 * <ul>
 * <li>{@code pipeline_claimable_jobs{processor_version}}: the jobs a processor could claim now, per
 * processor major version, the figure publish-backlog sends to CloudWatch ({@link JobBacklog});</li>
 * <li>{@code pipeline_jobs{status}}: the jobs of each status a processor claims from;</li>
 * <li>{@code pipeline_aws_requests_total{service, operation}}: every request this server sent to
 * DynamoDB and S3 (retries included), what its bill counts (docs/scale.md prices a file from them);</li>
 * <li>{@code pipeline_api_requests_seconds{operation}} (count, sum, max and a few latency buckets) and
 * {@code pipeline_api_errors_total{operation}} (answered with a refusal or a failure): each API
 * operation's traffic, recorded by camel-micrometer's route policy on the operation's route.</li>
 * </ul>
 * The queue's figures are counted when they are scraped; the traffic is this server's since it started.
 */
public final class ServerMetrics {

    /** Prometheus's text exposition format, what {@link PrometheusMeterRegistry#scrape()} writes. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MultiGauge claimable = MultiGauge.builder("pipeline.claimable.jobs")
            .description("Jobs a processor could claim now, per processor major version (the backlog processors scale on)")
            .register(registry);
    private final MultiGauge jobs = MultiGauge.builder("pipeline.jobs")
            .description("Jobs of each status a processor claims from, claimable or held")
            .register(registry);

    /** Counts each request an AWS client sends, by service and operation, as {@code pipeline_aws_requests_total}. */
    public ExecutionInterceptor awsRequests() {
        return new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                registry.counter("pipeline.aws.requests",
                        "service", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)),
                        "operation", String.valueOf(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))).increment();
            }
        };
    }

    /** Records the queue as just counted, replacing what was recorded before. */
    public void recordQueue(JobBacklog.Count count) {
        claimable.register(rows("processor_version", count.claimableByProcessorVersion()), true);
        jobs.register(rows("status", count.jobsByStatus()), true);
    }

    /** Everything recorded, in Prometheus's text format; the answer's content type says so. */
    public String scrape(Exchange exchange) {
        String text = registry.scrape();
        exchange.setProperty(ErrorResponses.CONTENT_TYPE_PROPERTY, CONTENT_TYPE);
        return text;
    }

    /**
     * camel-micrometer's route policy on each API operation's route (those of the route configuration
     * every operation route names), recording into this registry: a request's latency from entering
     * the route (the access check is its first step) to its answer, and whether the answer was an
     * error (an exception the route configuration turned into a refusal or a 5xx).
     */
    public RoutePolicyFactory operationRoutePolicies() {
        MicrometerRoutePolicyConfiguration configuration = new MicrometerRoutePolicyConfiguration();
        configuration.setContextEnabled(false);
        configuration.setRouteEnabled(true);
        configuration.setAdditionalCounters(true);
        configuration.setFailuresHandled(true);
        configuration.setExchangesTotal(false);
        configuration.setExchangesSucceeded(false);
        configuration.setExchangesFailed(false);
        configuration.setExternalRedeliveries(false);
        configuration.setLongTask(false);
        // a few buckets, enough for histogram_quantile: not the 70 of a full percentile histogram per operation
        configuration.setTimerInitiator(timer -> timer.serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50),
                Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(5)));
        MicrometerRoutePolicyFactory micrometer = new MicrometerRoutePolicyFactory();
        micrometer.setMeterRegistry(registry);
        // no app_info gauge of Camel's runtime: only what this document lists
        micrometer.setSkipCamelInfo(true);
        micrometer.setPolicyConfiguration(configuration);
        micrometer.setNamingStrategy(new OperationNames());
        return (camel, routeId, route) -> route instanceof RouteDefinition definition
                && ServerBeans.OPERATION_CONFIGURATION.equals(definition.getRouteConfigurationId())
                ? micrometer.createRoutePolicy(camel, routeId, route) : null;
    }

    private static List<MultiGauge.Row<?>> rows(String tag, Map<String, Integer> figures) {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        figures.forEach((value, figure) -> rows.add(MultiGauge.Row.of(Tags.of(tag, value), figure)));
        return rows;
    }

    /** The operation's name (its route's id, its operationId) is the one tag: not the context, kind or event type. */
    private static final class OperationNames implements MicrometerRoutePolicyNamingStrategy {
        @Override
        public String getName(Route route) {
            return "pipeline.api.requests";
        }

        @Override
        public String getFailuresHandledName(Route route) {
            return "pipeline.api.errors";
        }

        @Override
        public Tags getTags(Route route) {
            return Tags.of("operation", route.getId());
        }

        @Override
        public Tags getExchangeStatusTags(Route route) {
            return getTags(route);
        }
    }
}
