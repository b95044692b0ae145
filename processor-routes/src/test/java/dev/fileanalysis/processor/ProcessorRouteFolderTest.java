package dev.fileanalysis.processor;

import java.util.Properties;

import dev.fileanalysis.runtime.RouteFolderShape;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** processor-routes/ runs on its own (Camel JBang), with or without its application.properties. */
class ProcessorRouteFolderTest {

    @Test
    void everyRouteFileSaysItsStepIsInBlockStyleAndDefaultsEachPlaceholderToItsSetting() throws Exception {
        assertThat(RouteFolderShape.problems(ProcessorRouteTestSupport.ROUTE_FOLDER)).isEmpty();
    }

    @Test
    void theBeansAreWiredFromTheCamelPropertiesAloneAsCamelJBangGivesThem() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getPropertiesComponent().setLocation("file:" + ProcessorRouteTestSupport.ROUTE_FOLDER.toAbsolutePath()
                    + "/application.properties");
            Properties commandLine = new Properties();
            commandLine.setProperty("oidc.token-url", "http://127.0.0.1:1/token");
            commandLine.setProperty("processor.workers", "3");
            camel.getPropertiesComponent().setOverrideProperties(commandLine);

            new ProcessorBeans().configure(camel);

            assertThat(camel.getRegistry().lookupByName("jobAnalysis")).isInstanceOf(JobAnalysis.class);
            assertThat(camel.getRegistry().lookupByName("leaseKeeper")).isInstanceOf(LeaseKeeper.class);
            JobClaimer claimer = camel.getRegistry().lookupByNameAndType("jobClaimer", JobClaimer.class);
            assertThat(claimer.processorId()).startsWith("processor-");
        }
    }
}
