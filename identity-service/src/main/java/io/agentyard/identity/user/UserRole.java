package io.agentyard.identity.user;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.agentyard.shared.security.Roles;

/** The role of a person: what they may do across Agentyard. */
public enum UserRole {
    ADMIN(Roles.ADMIN),
    DEVELOPER(Roles.DEVELOPER),
    VIEWER(Roles.VIEWER);

    private final String value;

    UserRole(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static UserRole of(String value) {
        for (UserRole role : values()) {
            if (role.value.equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("must be one of admin, developer, viewer");
    }

    /** For query parameters: an unknown value is a 400 naming the parameter. */
    public static UserRole ofParam(String param, String value) {
        try {
            return value == null || value.isBlank() ? null : of(value);
        } catch (IllegalArgumentException e) {
            throw io.agentyard.shared.problem.ProblemException.invalidField(param, e.getMessage());
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
