package io.agentyard.chat.provider;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A provider of the catalogue: an OpenAI-compatible endpoint. {@link #toString()} never shows the key. */
@Entity
@Table(name = "providers")
public class Provider {

    @Id
    public String name;

    @Column(name = "base_url")
    public String baseUrl;

    /** Set by an admin; null when none (the configured key applies then). Write-only through the API. */
    @Column(name = "api_key")
    public String apiKey;

    public boolean enabled;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Override
    public String toString() {
        return "Provider[name=" + name + ", baseUrl=" + baseUrl + ", enabled=" + enabled + "]";
    }
}
