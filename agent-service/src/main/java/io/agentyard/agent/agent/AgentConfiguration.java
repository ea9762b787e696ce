package io.agentyard.agent.agent;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An agent's configuration: the LLM settings the seeds name are typed and validated; any other
 * key is kept as given, so runtimes can carry settings of their own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentConfiguration {

    @Size(max = 50)
    public String llmProvider;

    @Size(max = 100)
    public String model;

    @DecimalMin(value = "0.0", message = "must be between 0 and 2")
    @DecimalMax(value = "2.0", message = "must be between 0 and 2")
    public Double temperature;

    @Min(value = 1, message = "must be between 1 and 2000000")
    @Max(value = 2_000_000, message = "must be between 1 and 2000000")
    public Integer maxTokens;

    @Size(max = 50_000)
    public String systemPrompt;

    @Size(max = 5_000)
    public String codeStyle;

    @Size(max = 50, message = "may hold at most 50 further settings")
    private final Map<String, Object> other = new LinkedHashMap<>();

    @JsonAnySetter
    public void set(String key, Object value) {
        other.put(key, value);
    }

    @JsonAnyGetter
    public Map<String, Object> other() {
        return other;
    }
}
