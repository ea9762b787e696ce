package io.agentyard.identity.serviceclient;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A machine identity (a worker process or another service) using the client-credentials grant. */
@Entity
@Table(name = "service_clients")
public class ServiceClient {

    @Id
    public UUID id;

    public String name;

    @Enumerated(EnumType.STRING)
    public ClientRole role;

    /** The token subject, e.g. a worker id; the client's own id when absent. */
    public String subject;

    @Column(name = "secret_hash")
    public String secretHash;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "created_by")
    public UUID createdBy;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "last_used_at")
    public Instant lastUsedAt;

    public String tokenSubject() {
        return subject != null ? subject : id.toString();
    }
}
