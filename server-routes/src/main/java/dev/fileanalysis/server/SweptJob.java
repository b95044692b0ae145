package dev.fileanalysis.server;

import java.util.Map;

import dev.fileanalysis.server.JobStore.StoredJob;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ExpectedAttributeValue;

/**
 * A job the sweep acts on, as the sweep saw it: what the housekeeping routes need to delete its
 * chunks ({@link #file()}) and its item in the jobs table ({@link #key()}, {@link #statusAsSeen()}).
 */
public record SweptJob(StoredJob stored) {

    public String id() {
        return stored.job().id();
    }

    /** The file whose chunks are {@code chunks/<file>/<index>}. */
    public String file() {
        return stored.job().file();
    }

    public String status() {
        return stored.job().status();
    }

    /** The item's key, as camel-aws2-ddb takes it (header {@code CamelAwsDdbKey}). */
    public Map<String, AttributeValue> key() {
        return Map.of("id", AttributeValue.builder().s(id()).build());
    }

    /**
     * The condition that the item still has the status the sweep saw, in the legacy
     * {@code Expected} form that camel-aws2-ddb sends (header {@code CamelAwsDdbUpdateCondition}):
     * a reservation registered since the sweep looked is no longer RESERVED, so it is not deleted.
     */
    public Map<String, ExpectedAttributeValue> statusAsSeen() {
        return Map.of("status", ExpectedAttributeValue.builder().value(AttributeValue.builder().s(status()).build()).build());
    }
}
