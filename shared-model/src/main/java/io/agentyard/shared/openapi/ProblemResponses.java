package io.agentyard.shared.openapi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

import io.agentyard.shared.problem.Problem;

/**
 * Documents every service's error answers the same way: each 4xx and 5xx response an operation declares
 * gets the {@code application/problem+json} body ({@link Problem}, schema {@value #SCHEMA}), and the
 * answers every operation can give are added where a resource did not declare them: 400 for an operation
 * with a body or parameters (validation), 404 for one with a path parameter (no such resource, or not the
 * caller's), 413 for one with a body (the size limit). 401 and 403 come from Quarkus for secured
 * operations. Resources declare the specific ones (409, 422...) with a description only.
 */
public class ProblemResponses implements OASFilter {

    public static final String SCHEMA = "Problem";
    static final String FIELD_ERROR = "ProblemFieldError";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        boolean used = false;
        for (PathItem item : openAPI.getPaths().getPathItems().values()) {
            for (Operation operation : item.getOperations().values()) {
                used |= document(operation, parameters(item, operation));
            }
        }
        if (used) {
            if (openAPI.getComponents() == null) {
                openAPI.setComponents(OASFactory.createComponents());
            }
            Components components = openAPI.getComponents();
            components.addSchema(SCHEMA, problemSchema());
            components.addSchema(FIELD_ERROR, fieldErrorSchema());
        }
    }

    private static List<Parameter> parameters(PathItem item, Operation operation) {
        List<Parameter> all = new ArrayList<>();
        if (item.getParameters() != null) {
            all.addAll(item.getParameters());
        }
        if (operation.getParameters() != null) {
            all.addAll(operation.getParameters());
        }
        return all;
    }

    /** Adds the common problem answers and the problem body to each; true when the operation has one. */
    private static boolean document(Operation operation, List<Parameter> parameters) {
        if (operation.getResponses() == null) {
            operation.setResponses(OASFactory.createAPIResponses());
        }
        APIResponses responses = operation.getResponses();
        boolean body = operation.getRequestBody() != null;
        if (body || !parameters.isEmpty()) {
            addIfAbsent(responses, "400", "The request is invalid: a field, parameter or body is refused (errors names them)");
        }
        if (parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH)) {
            addIfAbsent(responses, "404", "No such resource, or not one the caller may see");
        }
        if (body) {
            addIfAbsent(responses, "413", "The body is larger than the service accepts");
        }
        boolean any = false;
        for (Map.Entry<String, APIResponse> entry : responses.getAPIResponses().entrySet()) {
            if (entry.getKey().startsWith("4") || entry.getKey().startsWith("5")) {
                entry.getValue().setContent(problemContent());
                any = true;
            }
        }
        return any;
    }

    private static void addIfAbsent(APIResponses responses, String code, String description) {
        if (!responses.hasAPIResponse(code)) {
            responses.addAPIResponse(code, OASFactory.createAPIResponse().description(description));
        }
    }

    private static Content problemContent() {
        return OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref("#/components/schemas/" + SCHEMA)));
    }

    /** {@link Problem} as JSON (ProblemResponsesTest checks it names the record's components). */
    static Schema problemSchema() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .description("An RFC 9457 problem detail, the body of every error answer")
                .addProperty("type", string("A URI naming the kind of problem").format("uri"))
                .addProperty("title", string("Short summary of the kind of problem"))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER))
                        .format("int32").description("The HTTP status code"))
                .addProperty("detail", string("What went wrong this time"))
                .addProperty("instance", string("The request path"))
                .addProperty("errors", OASFactory.createSchema().type(List.of(Schema.SchemaType.ARRAY))
                        .description("Per-field validation failures (validation problems only)")
                        .items(OASFactory.createSchema().ref("#/components/schemas/" + FIELD_ERROR)))
                .required(List.of("title", "status"));
    }

    static Schema fieldErrorSchema() {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.OBJECT))
                .addProperty("field", string("The JSON path of the field, e.g. email"))
                .addProperty("message", string("What is wrong with it"))
                .required(List.of("field", "message"));
    }

    private static Schema string(String description) {
        return OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)).description(description);
    }
}
