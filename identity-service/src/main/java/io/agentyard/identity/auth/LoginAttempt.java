package io.agentyard.identity.auth;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** One login or client-credentials attempt, kept for throttling and audit. */
@Entity
@Table(name = "login_attempts")
public class LoginAttempt {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "account_key")
    public String accountKey;

    @Column(name = "ip_address")
    public String ipAddress;

    public boolean succeeded;

    @Column(name = "attempted_at")
    public Instant attemptedAt;
}
