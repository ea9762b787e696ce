package io.agentyard.identity.serviceclient;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import io.agentyard.shared.security.Roles;

/** The role of a machine identity. */
public enum ClientRole {
    WORKER(Roles.WORKER),
    SERVICE(Roles.SERVICE);

    private final String value;

    ClientRole(String value) {
        this.value = value;
    }

    @JsonValue
    public String value() {
        return value;
    }

    @JsonCreator
    public static ClientRole of(String value) {
        for (ClientRole role : values()) {
            if (role.value.equals(value)) {
                return role;
            }
        }
        throw new IllegalArgumentException("must be one of worker, service");
    }

    @Override
    public String toString() {
        return value;
    }
}
