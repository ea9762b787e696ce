package io.agentyard.chat.document;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.problem.Problem;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Context documents, a knowledge base everyone signed in reads and searches; admins and developers
 * write, a document's creator or an admin changes and deletes it. Responses with a document carry
 * its version as a strong {@code ETag} ({@code "3"}); an update names the version it was made from.
 */
@Tag(name = "Context documents", description = "Context documents, a knowledge base everyone signed in reads and searches")
@Path("/api/context-documents")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.WORKER, Roles.SERVICE})
public class ContextDocumentResource {

    static final String LIMIT_RULE = "must be between 1 and 100";

    private final ContextDocumentService documents;
    private final ContextDocumentsConfig config;
    private final JsonWebToken jwt;

    ContextDocumentResource(ContextDocumentService documents, ContextDocumentsConfig config, JsonWebToken jwt) {
        this.documents = documents;
        this.config = config;
        this.jwt = jwt;
    }

    /** Filters, full-text query and paging of the list. */
    public static class ListParams {

        /** Documents having all these tags: repeat the parameter or separate tags with commas. */
        @QueryParam("tags")
        public List<String> tags;

        @QueryParam("type")
        public DocumentType type;

        /** Exactly this repository URL. */
        @QueryParam("repositoryUrl")
        @Size(max = 500)
        public String repositoryUrl;

        /** A user id. */
        @QueryParam("createdBy")
        public String createdBy;

        /** Full-text query, web-search syntax: words, "a phrase", or, -not. */
        @QueryParam("q")
        @Size(max = 1000, message = "must be at most 1000 characters")
        public String q;

        /** The {@code nextCursor} of the previous page. */
        @QueryParam("cursor")
        public String cursor;

        @QueryParam("limit")
        @DefaultValue("20")
        @Min(value = 1, message = LIMIT_RULE)
        @Max(value = 100, message = LIMIT_RULE)
        public int limit;

        ContextDocumentStore.Filter filter(int maxTags) {
            return new ContextDocumentStore.Filter(DocumentTags.ofFilter(tags, maxTags), type,
                    repositoryUrl == null || repositoryUrl.isBlank() ? null : repositoryUrl.strip(), userId());
        }

        private UUID userId() {
            if (createdBy == null || createdBy.isBlank()) {
                return null;
            }
            try {
                return UUID.fromString(createdBy.strip());
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidField("createdBy", "must be a UUID");
            }
        }
    }

    @POST
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @APIResponseSchema(value = ContextDocumentDtos.DocumentResponse.class, responseCode = "201", responseDescription = "The document, version 1; Location names it")
    @APIResponse(responseCode = "413", description = "The content is larger than the document limit")
    @Operation(operationId = "createContextDocument", summary = "Create a context document (version 1); 201 with Location and ETag")
    public Uni<RestResponse<ContextDocumentDtos.DocumentResponse>> create(
            @Valid @NotNull ContextDocumentDtos.Create request) {
        return documents.create(Caller.from(jwt), request).map(document -> RestResponse.ResponseBuilder
                .<ContextDocumentDtos.DocumentResponse>created(URI.create("/api/context-documents/" + document.id()))
                .header(HttpHeaders.ETAG, Precondition.etag(document.version())).entity(document).build());
    }

    @GET
    @Operation(operationId = "listContextDocuments", summary = "List context documents, newest first, or search them with q (best first, with rank and"
            + " highlighted snippet); filter by tags (all of them), type, repositoryUrl, createdBy; page with ?cursor=")
    public Uni<CursorPage<ContextDocumentDtos.DocumentSummary>> list(@Valid @BeanParam ListParams params) {
        return documents.list(params.filter(config.maxTags()), params.q, params.cursor, params.limit);
    }

    @GET
    @Path("/{id}")
    @Operation(operationId = "getContextDocument", summary = "Read a context document as it is now; ETag is its version")
    public Uni<RestResponse<ContextDocumentDtos.DocumentResponse>> get(@PathParam("id") UUID id) {
        return documents.get(id).map(ContextDocumentResource::withETag);
    }

    @PATCH
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @APIResponse(responseCode = "413", description = "The content is larger than the document limit")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateContextDocument", summary = "Write the next version (creator or admin): fields given change, others stay. Name the"
            + " version changed in the body's version or in If-Match; 409 (412 with If-Match) when it is not current")
    public Uni<RestResponse<ContextDocumentDtos.DocumentResponse>> update(
            @PathParam("id") UUID id, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch,
            @Valid @NotNull ContextDocumentDtos.Update update) {
        Precondition precondition = Precondition.of(update.version(), ifMatch);
        return documents.update(Caller.from(jwt), id, precondition, update).map(ContextDocumentResource::withETag);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
    @ResponseStatus(204)
    @Operation(operationId = "deleteContextDocument", summary = "Delete a context document and all its versions (creator or admin)")
    public Uni<Void> delete(@PathParam("id") UUID id) {
        return documents.delete(Caller.from(jwt), id);
    }

    @GET
    @Path("/{id}/versions")
    @Operation(operationId = "listContextDocumentVersions", summary = "The document's versions, newest first, without their content; page with ?cursor=")
    public Uni<CursorPage<ContextDocumentDtos.VersionSummary>> versions(
            @PathParam("id") UUID id, @QueryParam("cursor") String cursor,
            @QueryParam("limit") @DefaultValue("20") @Min(value = 1, message = LIMIT_RULE)
            @Max(value = 100, message = LIMIT_RULE) int limit) {
        return documents.versions(id, cursor, limit);
    }

    @GET
    @Path("/{id}/versions/{version}")
    @Operation(operationId = "getContextDocumentVersion", summary = "One version of the document, as it was written")
    public Uni<ContextDocumentDtos.VersionResponse> version(@PathParam("id") UUID id,
                                                           @PathParam("version") int version) {
        return documents.version(id, version);
    }

    /** A refused update: the problem with the current version as a {@code currentVersion} member and the ETag. */
    @ServerExceptionMapper
    public Response conflict(VersionConflict conflict, UriInfo uri) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", conflict.type());
        body.put("title", conflict.title());
        body.put("status", conflict.status());
        body.put("detail", conflict.getMessage());
        body.put("instance", uri.getRequestUri().getRawPath());
        body.put("currentVersion", conflict.currentVersion());
        return Response.status(conflict.status()).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.ETAG, Precondition.etag(conflict.currentVersion())).entity(body).build();
    }

    private static RestResponse<ContextDocumentDtos.DocumentResponse> withETag(
            ContextDocumentDtos.DocumentResponse document) {
        return RestResponse.ResponseBuilder.ok(document).header(HttpHeaders.ETAG, Precondition.etag(document.version()))
                .build();
    }
}
