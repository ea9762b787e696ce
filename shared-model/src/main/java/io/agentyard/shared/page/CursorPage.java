package io.agentyard.shared.page;

import java.util.List;

/**
 * One page of a list read with a cursor: {@code nextCursor} is given back as {@code ?cursor=} to
 * read the next page, and is null on the last one. Unlike page numbers, a cursor does not skip or
 * repeat items when new ones arrive between reads.
 */
public record CursorPage<T>(List<T> items, String nextCursor) {
}
