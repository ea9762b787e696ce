package io.agentyard.chat.llm;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a test completion found ({@code POST /api/models/test}): whether the provider answered, how
 * long it took, and, when it did not, why (the same safe message a failed reply stores).
 *
 * @param ok           whether a whole answer came back
 * @param latencyMs    from sending to the end (or the failure)
 * @param firstTokenMs from sending to the first token, when one came
 * @param reply        the answer's text (short: the test asks for a few tokens)
 * @param finishReason the provider's finish reason
 * @param error        why it failed (absent when ok)
 * @param problem      the problem type slug the failure answers a chat request with (absent when ok)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProbeResult(boolean ok, long latencyMs, Long firstTokenMs, String reply, String finishReason,
                          String error, String problem) {
}
