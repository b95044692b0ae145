package dev.fileanalysis.server.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * server-routes/publish-backlog.camel.yaml as the server loads it: each minute's count becomes one
 * ClaimableJobs datapoint per processor version, 0 included, in the configured namespace, sent by
 * camel-aws2-cw on the server's CloudWatch client (here one that records what it is sent, and a mock
 * endpoint beside it); with no namespace the route is not there at all, so nothing can be sent. The
 * timer is replaced by a direct endpoint, so a test fires one round instead of waiting a minute.
 */
class PublishBacklogRouteTest extends CamelTestSupport {

    private static final Path ROUTE = Path.of(System.getProperty("pipeline.home", "..")).resolve("server-routes/publish-backlog.camel.yaml");

    private final RecordingCloudWatch cloudWatch = new RecordingCloudWatch();

    /** What JobBacklog counted: version 1 has three claimable jobs, version 2 none. */
    public static final class CountedBacklog {
        public Map<String, Integer> claimableJobsByProcessorVersion() {
            Map<String, Integer> counted = new java.util.LinkedHashMap<>();
            counted.put("1", 3);
            counted.put("2", 0);
            return counted;
        }
    }

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext camel = super.createCamelContext();
        load(camel, "FileAnalysisPipeline");
        return camel;
    }

    @Test
    void eachRoundPublishesOneClaimableJobsDatapointPerProcessorVersionZerosIncluded() throws Exception {
        AdviceWith.adviceWith(context, "publish-backlog", route -> {
            route.replaceFromWith("direct:publish-backlog");
            route.mockEndpoints("aws2-cw:*");
        });
        context.start();
        MockEndpoint published = getMockEndpoint("mock:aws2-cw:FileAnalysisPipeline");
        published.expectedMessageCount(2);

        template.sendBody("direct:publish-backlog", null);

        published.assertIsSatisfied();
        assertThat(cloudWatch.requests).hasSize(2);
        assertThat(cloudWatch.requests).extracting(PutMetricDataRequest::namespace).containsOnly("FileAnalysisPipeline");
        List<MetricDatum> data = cloudWatch.requests.stream().flatMap(request -> request.metricData().stream()).toList();
        assertThat(data).extracting(MetricDatum::metricName).containsOnly("ClaimableJobs");
        assertThat(data).extracting(MetricDatum::unit).containsOnly(StandardUnit.COUNT);
        assertThat(data).extracting(datum -> datum.dimensions()).containsExactly(
                List.of(Dimension.builder().name("ProcessorVersion").value("1").build()),
                List.of(Dimension.builder().name("ProcessorVersion").value("2").build()));
        assertThat(data).extracting(MetricDatum::value).containsExactly(3.0, 0.0);
    }

    @Test
    void withoutANamespaceTheRouteIsLeftOutAndNothingIsSent() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            load(camel, "");
            camel.start();

            assertThat(camel.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()).isEmpty();
            assertThat(camel.getRoutes()).isEmpty();
            assertThat(camel.getEndpoints()).noneMatch(endpoint -> endpoint.getEndpointUri().startsWith("aws2-cw:")
                    || endpoint.getEndpointUri().startsWith("timer:"));
        }
        assertThat(cloudWatch.requests).isEmpty();
    }

    private void load(CamelContext camel, String namespace) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("server.backlog-metric-namespace", namespace);
        camel.getPropertiesComponent().setInitialProperties(properties);
        camel.getRegistry().bind("jobBacklog", new CountedBacklog());
        camel.getRegistry().bind("cloudWatchClient", cloudWatch);
        PluginHelper.getRoutesLoader(camel).loadRoutes(ResourceHelper.resolveResource(camel, "file:" + ROUTE.toAbsolutePath()));
    }

    /** The CloudWatch client the route is given: records each PutMetricData, calls nothing. */
    static final class RecordingCloudWatch implements CloudWatchClient {
        final List<PutMetricDataRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public PutMetricDataResponse putMetricData(PutMetricDataRequest request) {
            requests.add(request);
            return PutMetricDataResponse.builder().build();
        }

        @Override
        public String serviceName() {
            return "monitoring";
        }

        @Override
        public void close() {
        }
    }
}
