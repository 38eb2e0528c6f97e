package dev.taskqueue.browse;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One page of a list ordered newest first by time-ordered id.
 *
 * @param <T> the kind of item
 * @param items the items
 * @param next the id to list the next page after, or {@code null} if this page is the last
 * @since 0.1.0
 */
public record Page<T>(List<T> items, @Nullable UUID next) {

	public Page {
		items = List.copyOf(items);
	}

	/**
	 * Return a page of items read with one more than the limit, which tells whether more follow.
	 * @param <T> the kind of item
	 * @param read the items read, at most {@code limit + 1}
	 * @param limit the page size
	 * @param id the id of an item
	 * @return the page
	 */
	public static <T> Page<T> of(List<T> read, int limit, Function<T, UUID> id) {
		if (read.size() <= limit) {
			return new Page<>(read, null);
		}
		List<T> items = read.subList(0, limit);
		return new Page<>(items, id.apply(items.get(limit - 1)));
	}

}
