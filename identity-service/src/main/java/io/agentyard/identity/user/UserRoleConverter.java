package io.agentyard.identity.user;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a role as its lowercase name, matching the table's check constraint. */
@Converter
public class UserRoleConverter implements AttributeConverter<UserRole, String> {

    @Override
    public String convertToDatabaseColumn(UserRole role) {
        return role == null ? null : role.value();
    }

    @Override
    public UserRole convertToEntityAttribute(String value) {
        return value == null ? null : UserRole.of(value);
    }
}
