package io.agentyard.task.deadletter;

import java.time.Instant;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

import io.agentyard.shared.page.CursorPage;
import io.agentyard.shared.security.Caller;
import io.agentyard.shared.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Dead letters: work orders that failed or expired for good. Admins see and act on all (services
 * read all); a developer, on the dead orders of their own tasks (others' are 404).
 */
@Tag(name = "Dead letters", description = "Work orders that failed for good: inspect, redrive, purge")
@Path("/api/dead-letters")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed({Roles.ADMIN, Roles.DEVELOPER})
public class DeadLetterResource {

    static final String LIMIT_RULE = "must be between 1 and " + DeadLetterDtos.MAX_LIMIT;

    private final DeadLetterService deadLetters;
    private final JsonWebToken jwt;

    DeadLetterResource(DeadLetterService deadLetters, JsonWebToken jwt) {
        this.deadLetters = deadLetters;
        this.jwt = jwt;
    }

    /** The cursor and page size of a list. */
    public static class PageParams {

        /** The {@code nextCursor} of the previous page. */
        @QueryParam("cursor")
        public String cursor;

        @QueryParam("limit")
        @DefaultValue("" + DeadLetterDtos.DEFAULT_LIMIT)
        @Min(value = 1, message = LIMIT_RULE)
        @Max(value = DeadLetterDtos.MAX_LIMIT, message = LIMIT_RULE)
        public int limit;
    }

    /** What a list of dead letters is filtered by. */
    public static class ListParams {

        @QueryParam("queue")
        @Pattern(regexp = DeadLetterDtos.QUEUE_PATTERN, message = DeadLetterDtos.QUEUE_RULE)
        public String queue;

        /** Contained in the last error, case aside. */
        @QueryParam("error")
        @Size(min = 1, max = DeadLetterDtos.MAX_ERROR_FILTER)
        public String error;

        /** Dead at or after (ISO-8601). */
        @QueryParam("deadSince")
        public Instant deadSince;

        /** Dead before (ISO-8601). */
        @QueryParam("deadBefore")
        public Instant deadBefore;
    }

    @GET
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE})
    @Operation(operationId = "listDeadLetters", summary = "List dead work orders, newest first; filter by queue, error text, time; page with ?cursor=")
    public Uni<CursorPage<DeadLetterDtos.DeadLetterSummary>> list(@Valid @BeanParam ListParams filter,
                                                                  @Valid @BeanParam PageParams page) {
        return deadLetters.list(Caller.from(jwt), new DeadLetterService.Filter(filter.queue, filter.error,
                filter.deadSince, filter.deadBefore), page.cursor, page.limit);
    }

    @GET
    @Path("/actions")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE})
    @Operation(operationId = "listDeadLetterActions", summary = "The record of redrives and purges, newest first; filter by work order or actor")
    public Uni<CursorPage<DeadLetterDtos.ActionResponse>> actions(@QueryParam("workOrderId") UUID workOrderId,
                                                                  @QueryParam("actorId") UUID actorId,
                                                                  @Valid @BeanParam PageParams page) {
        return deadLetters.actions(Caller.from(jwt), workOrderId, actorId, page.cursor, page.limit);
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.ADMIN, Roles.DEVELOPER, Roles.SERVICE})
    @Operation(operationId = "getDeadLetter", summary = "Inspect a dead work order: payload, last error, retries, and every attempt with its error")
    public Uni<DeadLetterDtos.DeadLetterDetail> get(@PathParam("id") UUID id) {
        return deadLetters.get(Caller.from(jwt), id);
    }

    @POST
    @Path("/{id}/redrive")
    @APIResponse(responseCode = "409", description = "The order is no longer a dead letter")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "redriveDeadLetter", summary = "Put a dead work order back on its queue (retries from zero) and its task back to queued;"
            + " 409 if it is not dead")
    public Uni<DeadLetterDtos.ActionResult> redrive(@PathParam("id") UUID id) {
        return deadLetters.redrive(Caller.from(jwt), id);
    }

    @POST
    @Path("/redrive")
    @Operation(operationId = "redriveDeadLetters", summary = "Redrive dead work orders by ids or by a filter (at most 1000); others named are skipped")
    public Uni<DeadLetterDtos.ActionResult> redriveAll(@Valid @NotNull DeadLetterDtos.Selection selection) {
        return deadLetters.act(Caller.from(jwt), DeadLetterAction.Action.redrive, selection);
    }

    @DELETE
    @Path("/{id}")
    @ResponseStatus(204)
    @Operation(operationId = "purgeDeadLetter", summary = "Delete a dead work order and its attempts; its task stays failed; 409 if it is not dead")
    public Uni<Void> purge(@PathParam("id") UUID id) {
        return deadLetters.purge(Caller.from(jwt), id).replaceWithVoid();
    }

    @POST
    @Path("/purge")
    @Operation(operationId = "purgeDeadLetters", summary = "Delete dead work orders by ids or by a filter (at most 1000); others named are skipped")
    public Uni<DeadLetterDtos.ActionResult> purgeAll(@Valid @NotNull DeadLetterDtos.Selection selection) {
        return deadLetters.act(Caller.from(jwt), DeadLetterAction.Action.purge, selection);
    }
}
