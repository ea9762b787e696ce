package io.agentyard.chat.attachment;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.PathPart;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.Cancellable;
import org.jboss.resteasy.reactive.multipart.FileUpload;

import io.agentyard.chat.message.MessageService;
import io.agentyard.shared.problem.ProblemException;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Files attached to a message: uploaded as {@code multipart/form-data} (part {@code file}) by the
 * message's sender or the conversation's owner, read by whoever may read the conversation.
 */
@Tag(name = "Attachments", description = "Files attached to a message")
@jakarta.ws.rs.Path("/api/conversations/{conversationId}/messages/{messageId}/attachments")
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.VIEWER, Roles.SERVICE, Roles.WORKER})
public class AttachmentResource {

    private final AttachmentService attachments;
    private final MessageService messages;
    private final JsonWebToken jwt;

    AttachmentResource(AttachmentService attachments, MessageService messages, JsonWebToken jwt) {
        this.attachments = attachments;
        this.messages = messages;
        this.jwt = jwt;
    }

    @Cancellable(false) // a client that leaves does not undo what was stored: the work finishes
    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @APIResponseSchema(value = AttachmentDtos.AttachmentResponse.class, responseCode = "201", responseDescription = "The attachment, stored; Location names it")
    @APIResponse(responseCode = "413", description = "The file is larger than the attachment limit")
    @APIResponse(responseCode = "415", description = "The media type is not accepted")
    @Operation(operationId = "uploadAttachment", summary = "Attach a file (multipart part 'file'); size bounded (413), type from an allow-list (415)")
    public Uni<RestResponse<AttachmentDtos.AttachmentResponse>> upload(
            @PathParam("conversationId") UUID conversationId, @PathParam("messageId") UUID messageId,
            @RestForm("file") FileUpload file) {
        if (file == null) {
            throw ProblemException.invalidField("file", "a multipart part named 'file' is required");
        }
        AttachmentService.Upload upload = new AttachmentService.Upload(file.uploadedFile(), file.fileName(),
                file.contentType(), file.size());
        attachments.check(upload); // before asking anyone: nothing is stored when it is refused
        return messages.attachable(Caller.from(jwt), conversationId, messageId)
                .chain(message -> attachments.attach(conversationId, messageId, upload))
                .map(saved -> RestResponse.ResponseBuilder.<AttachmentDtos.AttachmentResponse>created(URI.create("/api/conversations/" + conversationId
                        + "/messages/" + messageId + "/attachments/" + saved.id())).entity(saved).build());
    }

    @GET
    @jakarta.ws.rs.Path("/{attachmentId}")
    @Produces(MediaType.WILDCARD)
    @Operation(operationId = "downloadAttachment", summary = "Download an attachment")
    public Uni<Response> download(@PathParam("conversationId") UUID conversationId,
                                            @PathParam("messageId") UUID messageId,
                                            @PathParam("attachmentId") UUID attachmentId) {
        return messages.readable(Caller.from(jwt), conversationId, messageId)
                .chain(message -> attachments.download(messageId, attachmentId))
                // a Response, not RestResponse<PathPart>: with the generic type the text/plain writer took the entity
                .map(download -> Response.ok(new PathPart(download.file(), 0, download.attachment().fileSizeBytes),
                                servedAs(download.attachment().fileType))
                        .header("Content-Disposition", "attachment; filename*=UTF-8''"
                                + java.net.URLEncoder.encode(download.attachment().fileName, StandardCharsets.UTF_8)
                                .replace("+", "%20"))
                        .header("X-Content-Type-Options", "nosniff")
                        .build());
    }

    /** Text of any kind is served as plain text: an uploaded {@code text/html} is never rendered as a page. */
    static String servedAs(String type) {
        return type.startsWith("text/") ? "text/plain; charset=utf-8" : type;
    }

    @DELETE
    @jakarta.ws.rs.Path("/{attachmentId}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE, Roles.WORKER})
    @ResponseStatus(204)
    @Operation(operationId = "deleteAttachment", summary = "Remove an attachment (the message's sender, the conversation's owner or an admin)")
    public Uni<Void> delete(@PathParam("conversationId") UUID conversationId, @PathParam("messageId") UUID messageId,
                            @PathParam("attachmentId") UUID attachmentId) {
        return messages.attachable(Caller.from(jwt), conversationId, messageId)
                .chain(message -> attachments.delete(conversationId, messageId, attachmentId));
    }
}
