package io.agentyard.worker.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent command line, split into arguments as a shell would split it (spaces, single and double
 * quotes, backslash) and then filled in: each placeholder becomes text inside its argument, never
 * new arguments, and no shell ever sees the prompt, so nothing in a task can inject a command.
 */
public final class AgentCommandLine {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\w+)}");

    private AgentCommandLine() {
    }

    /**
     * @throws IllegalArgumentException for an empty command or an unclosed quote
     */
    public static List<String> render(String template, Map<String, String> values) {
        List<String> args = new ArrayList<>();
        for (String word : split(template)) {
            // one pass: text a placeholder brings in (a description mentioning {workspace}) stays as it is
            Matcher placeholder = PLACEHOLDER.matcher(word);
            StringBuilder arg = new StringBuilder();
            while (placeholder.find()) {
                String value = values.get(placeholder.group(1));
                placeholder.appendReplacement(arg, Matcher.quoteReplacement(value != null ? value : placeholder.group()));
            }
            placeholder.appendTail(arg);
            args.add(arg.toString());
        }
        return args;
    }

    static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    word.append(line.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("the agent command has an unclosed " + quote + " quote: " + line);
        }
        if (inWord) {
            words.add(word.toString());
        }
        if (words.isEmpty()) {
            throw new IllegalArgumentException("the agent command is empty");
        }
        return words;
    }
}
