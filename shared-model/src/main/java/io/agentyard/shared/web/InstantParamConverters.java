package io.agentyard.shared.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;

import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import io.agentyard.shared.problem.ProblemException;

/**
 * Query and path parameters of type {@link Instant} ({@code ?from=2026-11-24T10:00:00Z}): ISO-8601
 * UTC; anything else is a 400 naming the parameter (JAX-RS would answer 404).
 */
@Provider
public class InstantParamConverters implements ParamConverterProvider {

    @Override
    @SuppressWarnings("unchecked")
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (rawType != Instant.class) {
            return null;
        }
        return (ParamConverter<T>) new InstantConverter(EnumParamConverters.parameterName(annotations));
    }

    private record InstantConverter(String parameter) implements ParamConverter<Instant> {

        @Override
        public Instant fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            try {
                return Instant.parse(value.trim());
            } catch (DateTimeParseException e) {
                throw ProblemException.invalidField(parameter, "must be an ISO-8601 UTC instant, e.g. 2026-01-31T12:00:00Z");
            }
        }

        @Override
        public String toString(Instant value) {
            return value == null ? null : value.toString();
        }
    }
}
