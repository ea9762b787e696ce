package io.agentyard.chat.llm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@code text/event-stream} body as it arrives, in pieces cut anywhere (mid-line, mid-UTF-8
 * character), and yields the {@code data} of each complete event: consecutive {@code data:} lines
 * joined with a newline, dispatched at the blank line that ends the event (the WHATWG rules).
 * Comments ({@code : keep-alive}) and other fields ({@code event}, {@code id}, {@code retry}) are
 * skipped. Lines end with LF, CRLF or CR. Not thread-safe: one per response.
 */
final class ServerSentEvents {

    /** A line longer than this is not a chat-completions stream. */
    static final int MAX_LINE_BYTES = 1 << 20;

    static final class TooLong extends RuntimeException {
        TooLong() {
            super("a line of the event stream is longer than " + MAX_LINE_BYTES + " bytes", null, false, false);
        }
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private boolean afterCr;

    /** The events completed by {@code bytes}. */
    List<String> feed(byte[] bytes) {
        List<String> events = new ArrayList<>();
        for (byte b : bytes) {
            if (afterCr) {
                afterCr = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                afterCr = b == '\r';
                endLine(events);
            } else {
                if (line.size() >= MAX_LINE_BYTES) {
                    throw new TooLong();
                }
                line.write(b);
            }
        }
        return events;
    }

    /** At the end of the body: the last event when the stream did not end it with a blank line. */
    List<String> finish() {
        List<String> events = new ArrayList<>();
        if (line.size() > 0) {
            endLine(events);
        }
        endLine(events);
        return events;
    }

    private void endLine(List<String> events) {
        if (line.size() == 0) {
            if (hasData) {
                events.add(data.toString());
            }
            data.setLength(0);
            hasData = false;
            return;
        }
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        if (!field.equals("data")) {
            return;
        }
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (hasData) {
            data.append('\n');
        }
        data.append(value);
        hasData = true;
    }
}
