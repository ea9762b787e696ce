package io.agentyard.shared.page;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.QueryParam;

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

    public PageRequest() {
    }

    public PageRequest(int page, int size) {
        this.page = page;
        this.size = size;
    }

    /** As a Panache page. */
    public io.quarkus.panache.common.Page toPanache() {
        return io.quarkus.panache.common.Page.of(page, size);
    }
}
