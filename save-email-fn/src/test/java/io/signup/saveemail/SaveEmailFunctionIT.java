package io.signup.saveemail;

import io.quarkus.test.junit.QuarkusIntegrationTest;

/**
 * {@link SaveEmailFunctionTest} against the packaged application, as Knative runs it: the runnable jar, or with -Dnative the
 * native executable (where GraalVM exists). Same real peers and assertions; no access to the application's beans.
 */
@QuarkusIntegrationTest
class SaveEmailFunctionIT extends SaveEmailFunctionTest {
}
