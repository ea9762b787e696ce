package io.agentyard.identity.token;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One refresh token of a login's family; only its hash is stored. */
@Entity
@Table(name = "refresh_tokens")
public class RefreshToken {

    @Id
    public UUID id;

    @Column(name = "user_id")
    public UUID userId;

    @Column(name = "family_id")
    public UUID familyId;

    @Column(name = "token_hash")
    public String tokenHash;

    @Column(name = "issued_at")
    public Instant issuedAt;

    @Column(name = "expires_at")
    public Instant expiresAt;

    /** Set when the token was exchanged for its successor; presenting it again is reuse. */
    @Column(name = "rotated_at")
    public Instant rotatedAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "ip_address")
    public String ipAddress;

    @Column(name = "user_agent")
    public String userAgent;
}
