package io.agentyard.identity.token;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.agentyard.identity.user.UserResponse;

/**
 * Tokens handed to a caller. People get an access and a refresh token and their profile; machine
 * clients get an access token only.
 *
 * @param expiresIn        seconds until the access token expires
 * @param refreshExpiresIn seconds until the refresh token expires
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TokenResponse(String accessToken, String tokenType, long expiresIn, String refreshToken,
                            Long refreshExpiresIn, UserResponse user) {
}
