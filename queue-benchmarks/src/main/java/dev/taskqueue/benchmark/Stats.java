package dev.taskqueue.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** Order statistics of a sample. */
final class Stats {

	private final List<Double> sorted;

	Stats(List<Double> values) {
		this.sorted = new ArrayList<>(values);
		Collections.sort(this.sorted);
	}

	/**
	 * The median of a value of each item.
	 * @param <T> the type of the items
	 * @param items the items
	 * @param value the value of an item
	 * @return the median
	 */
	static <T> double median(List<T> items, ToDoubleFunction<? super T> value) {
		return new Stats(items.stream().map(value::applyAsDouble).toList()).median();
	}

	int count() {
		return this.sorted.size();
	}

	double median() {
		int n = this.sorted.size();
		if (n == 0) {
			return Double.NaN;
		}
		return (n % 2 == 1) ? this.sorted.get(n / 2) : (this.sorted.get(n / 2 - 1) + this.sorted.get(n / 2)) / 2;
	}

	/** Nearest-rank percentile. */
	double percentile(double p) {
		int n = this.sorted.size();
		if (n == 0) {
			return Double.NaN;
		}
		int rank = (int) Math.ceil(p / 100.0 * n);
		return this.sorted.get(Math.max(0, Math.min(n - 1, rank - 1)));
	}

	double min() {
		return this.sorted.isEmpty() ? Double.NaN : this.sorted.get(0);
	}

	double max() {
		return this.sorted.isEmpty() ? Double.NaN : this.sorted.get(this.sorted.size() - 1);
	}

	static String rate(double perSecond) {
		if (Double.isNaN(perSecond)) {
			return "n/a";
		}
		return String.format(Locale.ROOT, "%,.0f", perSecond);
	}

	static String millis(double millis) {
		if (Double.isNaN(millis)) {
			return "n/a";
		}
		if (millis >= 1000) {
			return String.format(Locale.ROOT, "%,.0f", millis);
		}
		return String.format(Locale.ROOT, (millis >= 10) ? "%.1f" : "%.2f", millis);
	}

	static String ratio(double value) {
		if (Double.isNaN(value) || Double.isInfinite(value)) {
			return "n/a";
		}
		return String.format(Locale.ROOT, (value >= 10) ? "%.0fx" : "%.2fx", value);
	}

}
