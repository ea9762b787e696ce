package io.agentyard.identity.enrollment;

import java.time.Instant;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.agentyard.identity.serviceclient.ServiceClientDtos;

/** Request and response bodies of /api/enrollment-tokens and /api/auth/enroll. */
public final class EnrollmentTokenDtos {

    private EnrollmentTokenDtos() {
    }

    public static final int MIN_EXPIRES_IN_SECONDS = 60;
    public static final int MAX_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
    public static final int DEFAULT_EXPIRES_IN_SECONDS = 3600;
    static final String EXPIRES_IN_RULE = "must be between " + MIN_EXPIRES_IN_SECONDS + " and " + MAX_EXPIRES_IN_SECONDS;

    /** Both fields may be left out (the body too): no label, valid for an hour. */
    @Schema(name = "EnrollmentTokenCreate")
    public record Create(
            @Size(max = 100) String name,
            @Min(value = MIN_EXPIRES_IN_SECONDS, message = EXPIRES_IN_RULE)
            @Max(value = MAX_EXPIRES_IN_SECONDS, message = EXPIRES_IN_RULE) Integer expiresInSeconds) {
    }

    /** The answer to a creation: the only place the token is ever shown. */
    @Schema(name = "EnrollmentTokenCreated")
    public record Created(UUID id, String name, String token, Instant expiresAt, Instant createdAt, UUID createdBy) {

        static Created from(EnrollmentToken row, String token) {
            return new Created(row.id, row.name, token, row.expiresAt, row.createdAt, row.createdBy);
        }
    }

    /** A token as admins read it: never the token or its hash. */
    @Schema(name = "EnrollmentTokenResponse")
    public record TokenResponse(UUID id, String name, Instant expiresAt, Instant createdAt, UUID createdBy,
                                Instant usedAt, UUID usedClientId, Instant revokedAt, EnrollmentToken.State state) {

        static TokenResponse from(EnrollmentToken row, Instant now) {
            return new TokenResponse(row.id, row.name, row.expiresAt, row.createdAt, row.createdBy, row.usedAt,
                    row.usedClientId, row.revokedAt, row.stateAt(now));
        }
    }

    /** A new worker machine's request: the token it was given and the name of its client. */
    @Schema(name = "WorkerEnrollment")
    public record Enroll(
            @NotBlank @Size(max = 200) String enrollmentToken,
            @NotBlank @Size(max = ServiceClientDtos.NAME_MAX)
            @Pattern(regexp = ServiceClientDtos.NAME_PATTERN, message = ServiceClientDtos.NAME_RULE) String name) {
    }

    /**
     * The worker's own credentials for the client-credentials grant (POST /api/auth/token): the
     * secret is shown only here. {@code workerId} is the subject of its tokens, hence its id in
     * agent-service and task-service.
     */
    @Schema(name = "WorkerEnrolled")
    public record Enrolled(UUID clientId, String clientSecret, UUID workerId) {
    }
}
