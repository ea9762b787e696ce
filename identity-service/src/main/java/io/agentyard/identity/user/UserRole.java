package io.agentyard.identity.user;

/**
 * The role of a person: what they may do across Agentyard. Constants are the wire and database
 * values themselves (lowercase), matching the {@code Roles} names in tokens.
 */
public enum UserRole {
    admin,
    developer,
    viewer
}
