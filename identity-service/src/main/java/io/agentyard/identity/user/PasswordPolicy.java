package io.agentyard.identity.user;

import java.nio.charset.StandardCharsets;

import io.agentyard.shared.problem.ProblemException;

/**
 * The password rule: 10 to 72 bytes (bcrypt ignores anything past 72), at least one letter and one
 * digit, and not containing the username.
 */
public final class PasswordPolicy {

    public static final int MIN_LENGTH = 10;
    public static final int MAX_BYTES = 72;

    private PasswordPolicy() {
    }

    /** Throws a 400 problem naming {@code field} when {@code password} breaks the rule. */
    public static void check(String field, String password, String username) {
        String problem = violation(password, username);
        if (problem != null) {
            throw ProblemException.invalidField(field, problem);
        }
    }

    static String violation(String password, String username) {
        if (password.length() < MIN_LENGTH) {
            return "must be at least " + MIN_LENGTH + " characters";
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            return "must be at most " + MAX_BYTES + " bytes";
        }
        if (password.chars().noneMatch(Character::isLetter) || password.chars().noneMatch(Character::isDigit)) {
            return "must contain at least one letter and one digit";
        }
        if (username != null && password.toLowerCase().contains(username.toLowerCase())) {
            return "must not contain the username";
        }
        return null;
    }
}
