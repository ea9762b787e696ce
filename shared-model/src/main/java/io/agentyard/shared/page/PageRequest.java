package io.agentyard.shared.page;

import java.util.Map;
import java.util.TreeSet;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;

import io.agentyard.shared.problem.ProblemException;
import io.quarkus.panache.common.Page;

/**
 * Paging query parameters shared by every list endpoint: {@code ?page=0&size=20}.
 * Pages are zero-based; {@code size} is at most {@value #MAX_SIZE}.
 */
public class PageRequest {

    public static final int DEFAULT_SIZE = 20;
    public static final int MAX_SIZE = 100;

    @QueryParam("page")
    @DefaultValue("0")
    @Min(value = 0, message = "must be 0 or more")
    public int page;

    @QueryParam("size")
    @DefaultValue("" + DEFAULT_SIZE)
    @Min(value = 1, message = "must be between 1 and " + MAX_SIZE)
    @Max(value = MAX_SIZE, message = "must be between 1 and " + MAX_SIZE)
    public int size;

    /** Field to sort by, {@code -} in front for descending: {@code ?sort=-createdAt}. */
    @QueryParam("sort")
    public String sort;

    public PageRequest() {
    }

    public PageRequest(int page, int size) {
        this.page = page;
        this.size = size;
    }

    /**
     * The requested order as an {@code order by} clause to append to a query, over the entity
     * expressions that {@code sortable} maps API names to ({@code "name" -> "lower(name)"} sorts
     * names ignoring case), {@code fallback} when none was asked for, always ending with the id so
     * pages are stable. An unknown field is a 400 naming the choices.
     */
    public String orderBy(Map<String, String> sortable, String fallback) {
        String requested = sort == null || sort.isBlank() ? fallback : sort.trim();
        boolean descending = requested.startsWith("-");
        String expression = sortable.get(descending ? requested.substring(1) : requested);
        if (expression == null) {
            throw ProblemException.invalidField("sort", "must be one of "
                    + String.join(", ", new TreeSet<>(sortable.keySet())) + ", with '-' in front for descending");
        }
        return " order by " + expression + (descending ? " desc" : " asc") + ", id asc";
    }

    /** As a Panache page. */
    public Page toPanache() {
        return Page.of(page, size);
    }
}
