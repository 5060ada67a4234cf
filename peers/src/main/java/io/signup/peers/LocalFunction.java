package io.signup.peers;

/**
 * How each function runs on this machine, in one place: its module (where its packaged jar is), the port it listens on
 * in {@code make run} and dev mode, and the variable that moves it. {@code make run}, {@code make stats},
 * {@code make bench} and the tests that start packaged functions read it from here.
 */
public enum LocalFunction {

    RENDER_HTML("render-html-fn", 8080, "RENDER_HTML_PORT"),
    SAVE_EMAIL("save-email-fn", 8081, "SAVE_EMAIL_PORT"),
    SEND_EMAIL("send-email-fn", 8082, "SEND_EMAIL_PORT");

    private final String module;
    private final int defaultPort;
    private final String portVariable;

    LocalFunction(String module, int defaultPort, String portVariable) {
        this.module = module;
        this.defaultPort = defaultPort;
        this.portVariable = portVariable;
    }

    /** The Maven module, and the Knative Service's name. */
    public String module() {
        return module;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public String portVariable() {
        return portVariable;
    }

    /** The port from its variable, else the default. */
    public int port() {
        String value = System.getenv(portVariable);
        return value == null || value.isBlank() ? defaultPort : Integer.parseInt(value);
    }

    /** Where it answers on this machine, at its port. */
    public String localUrl() {
        return "http://localhost:" + port();
    }
}
