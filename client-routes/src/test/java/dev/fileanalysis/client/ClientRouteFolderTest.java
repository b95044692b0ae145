package dev.fileanalysis.client;

import dev.fileanalysis.runtime.RouteFolderShape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** client-routes/ runs on its own (Camel JBang), with or without its application.properties. */
class ClientRouteFolderTest {

    @Test
    void everyRouteFileSaysItsStepIsInBlockStyleAndDefaultsEachPlaceholderToItsSetting() throws Exception {
        assertThat(RouteFolderShape.problems(ClientRouteTestSupport.ROUTE_FOLDER)).isEmpty();
    }
}
