package io.signup.saveemail;

import static io.signup.saveemail.support.SaveEmailTestEnvironment.DATABASE;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.signup.contract.AddressKey;
import io.signup.contract.EmailAddress;
import io.signup.peers.Addresses;
import io.signup.saveemail.support.As;
import io.signup.saveemail.support.SaveEmailTestEnvironment;

/**
 * Suppression rows from before the keyed hash (keyed by the plain SHA-256 of the address) are moved to their keyed
 * hash by the republish run when they still hold their address; a stronger reason survives a later unsubscribe under
 * the new key; a row without its address keeps its old key.
 */
@QuarkusTest
@WithTestResource(SaveEmailTestEnvironment.class)
class LegacyAddressKeysTest {

    private static final String SECRET = ConfigProvider.getConfig().getValue("signup.suppression.key", String.class);

    @Test
    void oldRowsWithTheirAddressMoveToTheKeyedHash() {
        String bounced = Addresses.unique("legacy-bounced");
        String both = Addresses.unique("legacy-both");
        String erased = Addresses.unique("legacy-erased");
        legacy(bounced, bounced, "HARD_BOUNCE");
        legacy(both, both, "COMPLAINT");
        DATABASE.execute("insert into suppression (address_key, email, reason, suppressed_at) values (?, ?, "
                + "'UNSUBSCRIBED', now())", key(both), both);
        legacy(erased, null, "ERASED");

        As.pingSource().contentType(ContentType.JSON).body("{}").post("/republishOutbox").then().statusCode(204);

        assertEquals(List.of(Map.of("address_key", key(bounced), "reason", "HARD_BOUNCE")), rows(bounced));
        assertEquals(List.of(Map.of("address_key", key(both), "reason", "COMPLAINT")), rows(both),
                "one row, under the new key, with the stronger reason");
        assertEquals(1, DATABASE.count("select count(*) from suppression where address_key = "
                + "encode(sha256(convert_to(?, 'UTF8')), 'hex') and email is null", erased), "nothing to rehash it with");
    }

    private static void legacy(String email, String kept, String reason) {
        DATABASE.execute("insert into suppression (address_key, email, reason, suppressed_at) values "
                + "(encode(sha256(convert_to(?, 'UTF8')), 'hex'), ?, ?, now())", email, kept, reason);
    }

    private static String key(String email) {
        return AddressKey.of(SECRET, EmailAddress.parse(email));
    }

    private static List<Map<String, Object>> rows(String email) {
        return DATABASE.query("select address_key, reason from suppression where address_key in (?, "
                + "encode(sha256(convert_to(?, 'UTF8')), 'hex'))", key(email), email);
    }
}
