package io.agentyard.shared.page;

import java.util.List;
import java.util.function.Function;

/**
 * One page of a list read with a cursor: {@code nextCursor} is given back as {@code ?cursor=} to
 * read the next page, and is null on the last one. Unlike page numbers, a cursor does not skip or
 * repeat items when new ones arrive between reads.
 */
public record CursorPage<T>(List<T> items, String nextCursor) {

    /**
     * The page of {@code found}, read with one item more than {@code limit} to tell whether more
     * follow: its first {@code limit} items, and then the cursor of the last of them.
     */
    public static <T> CursorPage<T> of(List<T> found, int limit, Function<T, String> cursorOf) {
        if (found.size() <= limit) {
            return new CursorPage<>(found, null);
        }
        List<T> page = found.subList(0, limit);
        return new CursorPage<>(page, cursorOf.apply(page.get(limit - 1)));
    }

    /** The same page with each item mapped (an entity to its response). */
    public <R> CursorPage<R> map(Function<T, R> mapper) {
        return new CursorPage<>(items.stream().map(mapper).toList(), nextCursor);
    }
}
