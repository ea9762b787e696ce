package io.agentyard.identity.serviceclient;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a client role as its lowercase name, matching the table's check constraint. */
@Converter
public class ClientRoleConverter implements AttributeConverter<ClientRole, String> {

    @Override
    public String convertToDatabaseColumn(ClientRole role) {
        return role == null ? null : role.value();
    }

    @Override
    public ClientRole convertToEntityAttribute(String value) {
        return value == null ? null : ClientRole.of(value);
    }
}
