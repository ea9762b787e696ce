package io.agentyard.shared.page;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list response.
 *
 * @param items the items on this page
 * @param page  zero-based page number
 * @param size  the requested page size
 * @param total number of items over all pages
 */
public record Page<T>(List<T> items, int page, int size, long total) {

    public static <E, T> Page<T> of(List<E> entities, Function<E, T> mapper, PageRequest request, long total) {
        return new Page<>(entities.stream().map(mapper).toList(), request.page, request.size, total);
    }
}
