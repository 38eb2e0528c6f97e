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
 * @param scannedTo set when the read stopped at its bound before it filled the page: every
 * matching item from the start of the page down to this id is on it, and the list goes on after
 * it, where {@code next} is this id; {@code null} when the page is full or the last
 * @since 0.1.0
 */
public record Page<T>(List<T> items, @Nullable UUID next, @Nullable UUID scannedTo) {

	public Page {
		items = List.copyOf(items);
	}

	/**
	 * Create a page read to its end or to its size.
	 * @param items the items
	 * @param next the id to list the next page after, or {@code null} if this page is the last
	 */
	public Page(List<T> items, @Nullable UUID next) {
		this(items, next, null);
	}

	/**
	 * Return a page whose read stopped at its bound before it found enough items.
	 * @param <T> the kind of item
	 * @param items the items found, fewer than the page size
	 * @param scannedTo the lowest id read, where the list goes on
	 * @return the page
	 */
	public static <T> Page<T> scannedTo(List<T> items, UUID scannedTo) {
		return new Page<>(items, scannedTo, scannedTo);
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
