package io.agentyard.shared.web;

import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.stream.Collectors;

import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.ext.ParamConverter;
import jakarta.ws.rs.ext.ParamConverterProvider;
import jakarta.ws.rs.ext.Provider;

import io.agentyard.shared.problem.ProblemException;

/**
 * Query and path parameters of enum types ({@code ?status=idle}): matched by name ignoring case,
 * and an unknown value is a 400 that names the parameter and the allowed values (JAX-RS would
 * answer 404).
 */
@Provider
public class EnumParamConverters implements ParamConverterProvider {

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> ParamConverter<T> getConverter(Class<T> rawType, Type genericType, Annotation[] annotations) {
        if (!rawType.isEnum()) {
            return null;
        }
        return (ParamConverter<T>) new EnumConverter(rawType.asSubclass(Enum.class), parameterName(annotations));
    }

    /** The name of the query or path parameter these annotations describe, for error messages. */
    static String parameterName(Annotation[] annotations) {
        for (Annotation annotation : annotations) {
            if (annotation instanceof QueryParam query) {
                return query.value();
            }
            if (annotation instanceof PathParam path) {
                return path.value();
            }
        }
        return "parameter";
    }

    private record EnumConverter<E extends Enum<E>>(Class<E> type, String parameter) implements ParamConverter<E> {

        @Override
        public E fromString(String value) {
            if (value == null || value.isBlank()) {
                return null;
            }
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(value.trim())) {
                    return constant;
                }
            }
            throw ProblemException.invalidField(parameter, "must be one of " + Arrays.stream(type.getEnumConstants())
                    .map(Enum::name).collect(Collectors.joining(", ")));
        }

        @Override
        public String toString(E value) {
            return value == null ? null : value.name();
        }
    }
}
