package io.agentyard.worker.api;

/**
 * A call to the control plane that did not succeed: the service answered with an error status
 * (its RFC 9457 problem's type and detail kept), or could not be reached ({@code status} 0).
 */
public final class ApiException extends RuntimeException {

    private final int status;
    private final String problemType;

    public ApiException(int status, String problemType, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
        this.problemType = problemType;
    }

    /** The HTTP status, or 0 when the service could not be reached. */
    public int status() {
        return status;
    }

    /** The last segment of the problem's {@code type} (e.g. {@code worker-not-ready}), or null. */
    public String problemType() {
        return problemType;
    }

    /** Worth trying again later: unreachable, overloaded or failing for now (not a refusal of the request). */
    public boolean isTransient() {
        return status == 0 || status == 429 || status == 502 || status == 503 || status == 504 || status == 500;
    }

    public boolean is(int code) {
        return status == code;
    }
}
