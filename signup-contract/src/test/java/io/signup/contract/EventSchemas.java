package io.signup.contract;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;

/**
 * Validates event data against the contract's JSON Schemas. Shared with both functions' tests through this module's
 * test-jar, so producer and consumer are checked against the same files.
 */
public final class EventSchemas {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Map<SignupEvent, JsonSchema> SCHEMAS = new EnumMap<>(SignupEvent.class);

    static {
        for (SignupEvent event : SignupEvent.values()) {
            SCHEMAS.put(event, load(event.schemaResource()));
        }
    }

    private EventSchemas() {
    }

    /** The schema violations of {@code json} as data of {@code event}; empty when it is valid. */
    public static List<String> violations(SignupEvent event, String json) {
        try {
            return SCHEMAS.get(event).validate(MAPPER.readTree(json)).stream().map(ValidationMessage::getMessage).toList();
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
    }

    private static JsonSchema load(String resource) {
        try (InputStream in = SignupEvent.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema not on the classpath: " + resource);
            }
            // Formats (date-time) are assertions here, not annotations: a bad timestamp must fail the contract.
            SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in, config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
