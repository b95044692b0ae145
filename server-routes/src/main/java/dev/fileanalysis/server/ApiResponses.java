package dev.fileanalysis.server;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Finishes every answer of the HTTP API as it leaves the REST facade (the route the REST DSL makes
 * from openapi.yaml), whichever step made it: {@link ErrorResponses#finishResponse}. A route
 * policy, because the facade answers some requests itself (a path or method the document lacks, a
 * request the contract check refused) and stops there: no step of any route runs for them, but
 * the route's policy still sees each exchange before the answer is written.
 */
public final class ApiResponses extends RoutePolicySupport implements RoutePolicyFactory {

    /** The id of the REST facade's route (rest-api.camel.yaml, rest: openApi: routeId:). */
    static final String FACADE_ROUTE = "api-contract";

    private final ErrorResponses responses;

    public ApiResponses(ErrorResponses responses) {
        this.responses = responses;
    }

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return FACADE_ROUTE.equals(routeId) ? this : null;
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        responses.finishResponse(exchange);
    }
}
