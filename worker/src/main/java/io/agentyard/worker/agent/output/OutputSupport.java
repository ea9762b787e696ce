package io.agentyard.worker.agent.output;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.agentyard.worker.agent.AgentEvent;

/** What the readers share: log levels, bounding text, and turning JSON into the plain values events carry. */
final class OutputSupport {

    static final String DEBUG = "DEBUG";
    static final String INFO = "INFO";
    static final String WARNING = "WARNING";
    static final String ERROR = "ERROR";

    /** A log line, an agent message: long enough to read, short enough to store per line. */
    static final int MESSAGE_CHARS = 4000;
    /** A tool's output kept on its step. */
    static final int OUTPUT_CHARS = 8000;
    /** One string inside a tool's input (a file's whole content in Write, say). */
    static final int INPUT_STRING_CHARS = 2000;
    /** A one-line summary for live activity and log lines. */
    static final int SUMMARY_CHARS = 200;

    private OutputSupport() {
    }

    /** A log line, its message bounded (a single line of output can be megabytes). */
    static AgentEvent.Log log(String level, String message, Map<String, Object> metadata) {
        return new AgentEvent.Log(level, truncate(message, MESSAGE_CHARS), metadata);
    }

    /** {@code text} cut to {@code max} characters, saying how much was left out; null stays null. */
    static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int cut = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, cut) + "… [" + (text.length() - cut) + " more characters]";
    }

    /** The first line of {@code text}, bounded to a summary. */
    static String firstLine(String text) {
        if (text == null) {
            return null;
        }
        String trimmed = text.strip();
        int newline = trimmed.indexOf('\n');
        String line = newline < 0 ? trimmed : trimmed.substring(0, newline) + " …";
        return truncate(line, SUMMARY_CHARS);
    }

    /** A map of the given key/value pairs in order, leaving out null values (events' maps are JSON-able). */
    static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                map.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return map;
    }

    /** The node's text if it is a string (or a number/boolean), otherwise null: absent fields read as null. */
    static String text(JsonNode node) {
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** A whole number as a Long, another number as a Double, anything else null. */
    static Number number(JsonNode node) {
        if (node == null || !node.isNumber()) {
            return null;
        }
        return node.isIntegralNumber() ? (Number) node.asLong() : (Number) node.asDouble();
    }

    /** The node as maps, lists and scalars, each string cut to {@code maxString}. */
    static Object plain(JsonNode node, int maxString) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                map.put(field.getKey(), plain(field.getValue(), maxString));
            }
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(element -> list.add(plain(element, maxString)));
            return list;
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        if (node.isNumber()) {
            return number(node);
        }
        return truncate(node.asText(), maxString);
    }

    /** A tool's input as a step's input map: an object as is, anything else under "value". */
    static Map<String, Object> inputMap(JsonNode input) {
        Object value = plain(input, INPUT_STRING_CHARS);
        if (value instanceof Map<?, ?> map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> typed = (Map<String, Object>) map;
            return typed;
        }
        return fields("value", value);
    }
}
