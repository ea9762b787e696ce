package io.agentyard.task.project;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A code base tasks are filed against, owned by a person. */
@Entity
@Table(name = "projects")
public class Project {

    @Schema(name = "ProjectStatus")
    public enum Status { active, archived, deleted }

    @Id
    public UUID id;

    @Column(name = "owner_id")
    public UUID ownerId;

    public String name;

    public String description;

    @Column(name = "repository_url")
    public String repositoryUrl;

    @Column(name = "local_path")
    public String localPath;

    public String framework;

    public String language;

    @Enumerated(EnumType.STRING)
    public Status status;

    /** Agents (agent-service ids) that work on this project. */
    public UUID[] agents;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
