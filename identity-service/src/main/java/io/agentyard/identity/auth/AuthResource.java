package io.agentyard.identity.auth;

import java.net.URI;

import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponseSchema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

import io.agentyard.identity.enrollment.EnrollmentService;
import io.agentyard.identity.enrollment.EnrollmentTokenDtos;
import io.agentyard.identity.token.TokenResponse;
import io.agentyard.identity.user.UserRequests;
import io.agentyard.identity.user.UserResponse;
import io.agentyard.identity.user.UserService;
import io.agentyard.shared.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;

/** Sign-up, sign-in, tokens and the caller's own profile. */
@Tag(name = "Auth", description = "Sign-up, sign-in, tokens and the caller's own profile")
@Path("/api/auth")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    private final AuthService auth;
    private final UserService users;
    private final EnrollmentService enrollment;
    private final JsonWebToken jwt;

    AuthResource(AuthService auth, UserService users, EnrollmentService enrollment, JsonWebToken jwt) {
        this.auth = auth;
        this.users = users;
        this.enrollment = enrollment;
        this.jwt = jwt;
    }

    @POST
    @Path("/register")
    @PermitAll
    @APIResponseSchema(value = UserResponse.class, responseCode = "201", responseDescription = "The account, created (role developer); sign in next")
    @APIResponse(responseCode = "409", description = "The username or email is taken")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "developer", value = """
                        {"username": "ada", "email": "ada@example.com", "password": "Correct-horse-42", "fullName": "Ada Lovelace"}
                        """)))
    @Operation(operationId = "register", summary = "Create an account (role developer)")
    public Uni<RestResponse<UserResponse>> register(@Valid @NotNull UserRequests.Register request) {
        // where the new user reads their account once signed in (/api/users/{id} is for admins)
        return users.register(request).map(user ->
                RestResponse.ResponseBuilder.<UserResponse>created(URI.create("/api/auth/profile")).entity(user).build());
    }

    @POST
    @Path("/login")
    @PermitAll
    @APIResponse(responseCode = "401", description = "Unknown user, wrong password or deactivated account")
    @APIResponse(responseCode = "429", description = "Too many failed attempts: wait (Retry-After)")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "password", value = """
                        {"username": "ada", "password": "Correct-horse-42"}
                        """)))
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "login", summary = "Sign in with username or email and password")
    public Uni<TokenResponse> login(@Valid @NotNull AuthRequests.Login request, @Context HttpServerRequest http) {
        return auth.login(request, clientAddress(http), http.getHeader(HttpHeaders.USER_AGENT));
    }

    @POST
    @Path("/refresh")
    @PermitAll
    @APIResponse(responseCode = "401", description = "The refresh token is unknown, used or expired")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "refreshToken", summary = "Exchange a refresh token for new tokens (the old one stops working)")
    public Uni<TokenResponse> refresh(@Valid @NotNull AuthRequests.Refresh request, @Context HttpServerRequest http) {
        return auth.refresh(request, clientAddress(http), http.getHeader(HttpHeaders.USER_AGENT));
    }

    @POST
    @Path("/logout")
    @Authenticated
    @ResponseStatus(204)
    @APIResponse(responseCode = "204", description = "Signed out")
    @Operation(operationId = "logout", summary = "End the session of a refresh token, or every session when none is given")
    public Uni<Void> logout(@Valid AuthRequests.Logout request) {
        return auth.logout(caller().id(), request == null ? null : request.refreshToken());
    }

    @POST
    @Path("/token")
    @PermitAll
    @APIResponse(responseCode = "401", description = "Unknown client or wrong secret")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "clientToken", summary = "Client-credentials grant for workers and services")
    public Uni<TokenResponse> token(@Valid @NotNull AuthRequests.ClientCredentials request,
                                    @Context HttpServerRequest http) {
        return auth.clientToken(request, clientAddress(http));
    }

    @POST
    @Path("/enroll")
    @PermitAll
    @APIResponseSchema(value = EnrollmentTokenDtos.Enrolled.class, responseCode = "201", responseDescription = "The worker's client credentials (the secret is shown once)")
    @APIResponse(responseCode = "401", description = "The enrollment token is unknown, used, revoked or expired")
    @Operation(operationId = "enrollWorker", summary = "A new worker machine trades a one-time enrollment token for its own worker client")
    public Uni<RestResponse<EnrollmentTokenDtos.Enrolled>> enroll(@Valid @NotNull EnrollmentTokenDtos.Enroll request,
                                                                   @Context HttpServerRequest http) {
        return enrollment.enroll(request, clientAddress(http)).map(enrolled ->
                RestResponse.ResponseBuilder.<EnrollmentTokenDtos.Enrolled>created(
                        URI.create("/api/service-clients/" + enrolled.clientId())).entity(enrolled).build());
    }

    @GET
    @Path("/profile")
    @Authenticated
    @Operation(operationId = "getProfile", summary = "The signed-in user's profile")
    public Uni<UserResponse> profile() {
        return users.profile(caller().id());
    }

    @PATCH
    @Path("/profile")
    @Authenticated
    @APIResponse(responseCode = "409", description = "The email is taken")
    @APIResponse(responseCode = "200", description = "OK")
    @Operation(operationId = "updateProfile", summary = "Change full name, email or settings; fields left out stay as they are")
    public Uni<UserResponse> updateProfile(@Valid @NotNull UserRequests.ProfileUpdate update) {
        return users.updateProfile(caller().id(), update);
    }

    @POST
    @Path("/change-password")
    @Authenticated
    @ResponseStatus(204)
    @APIResponse(responseCode = "204", description = "Changed; every session is signed out")
    @Operation(operationId = "changePassword", summary = "Change the password; every session is signed out")
    public Uni<Void> changePassword(@Valid @NotNull UserRequests.ChangePassword request) {
        return users.changePassword(caller().id(), request);
    }

    private Caller caller() {
        return Caller.from(jwt);
    }

    private static String clientAddress(HttpServerRequest http) {
        return http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
    }
}
