package io.agentyard.identity.enrollment;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A one-time token an admin creates for a new worker machine, which trades it once for its own
 * {@code worker} client (POST /api/auth/enroll). Only the token's SHA-256 is stored.
 */
@Entity
@Table(name = "enrollment_tokens")
public class EnrollmentToken {

    /** Where a token stands, derived from its timestamps at the time asked. */
    @Schema(name = "EnrollmentTokenState")
    public enum State { active, used, expired, revoked }

    @Id
    public UUID id;

    /** A label, e.g. the machine it is meant for; may be null. */
    public String name;

    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    @Column(name = "used_at")
    public Instant usedAt;

    /** The service client its enrollment created. */
    @Column(name = "used_client_id")
    public UUID usedClientId;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    public State stateAt(Instant now) {
        if (revokedAt != null) {
            return State.revoked;
        }
        if (usedAt != null) {
            return State.used;
        }
        return expiresAt.isAfter(now) ? State.active : State.expired;
    }
}
