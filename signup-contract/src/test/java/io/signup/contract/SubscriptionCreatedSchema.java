package io.signup.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates event data against the contract's JSON Schema. Shared with both functions' tests through this module's
 * test-jar, so producer and consumer are checked against the same file.
 */
public final class SubscriptionCreatedSchema {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonSchema SCHEMA = load();

    private SubscriptionCreatedSchema() {
    }

    /** The schema violations of {@code json}; empty when it is valid event data. */
    public static List<String> violations(String json) {
        try {
            return SCHEMA.validate(MAPPER.readTree(json)).stream().map(ValidationMessage::getMessage).toList();
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    private static JsonSchema load() {
        try (InputStream in = SubscriptionCreated.class.getResourceAsStream(SubscriptionCreated.SCHEMA_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("schema not on the classpath: " + SubscriptionCreated.SCHEMA_RESOURCE);
            }
            // Formats (date-time) are assertions here, not annotations: a bad timestamp must fail the contract.
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
