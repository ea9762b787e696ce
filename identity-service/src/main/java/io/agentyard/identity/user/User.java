package io.agentyard.identity.user;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** A person using Agentyard. Never leaves the service: see {@link UserResponse}. */
@Entity
@Table(name = "users")
public class User {

    @Id
    public UUID id;

    public String username;

    public String email;

    @Column(name = "password_hash")
    public String passwordHash;

    @Column(name = "full_name")
    public String fullName;

    @Enumerated(EnumType.STRING)
    public UserRole role;

    @Column(name = "is_active")
    public boolean active;

    @Column(name = "is_verified")
    public boolean verified;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> settings;

    @Column(name = "last_login_at")
    public Instant lastLoginAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
