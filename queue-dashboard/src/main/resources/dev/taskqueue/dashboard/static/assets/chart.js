// The overview's throughput chart: one stacked bar per bucket (succeeded, failed, cancelled),
// drawn as inline SVG with a title per bar for the exact numbers.

import { s } from './dom.js';

const WIDTH = 720;
const HEIGHT = 220;
const MARGIN = { top: 12, right: 12, bottom: 28, left: 44 };
const SERIES = [
	{ key: 'succeeded', label: 'Succeeded' },
	{ key: 'failed', label: 'Failed' },
	{ key: 'cancelled', label: 'Cancelled' },
];

/** A round upper bound for the axis, so that its ticks are whole numbers. */
function niceMax(value) {
	if (value <= 4) {
		return 4;
	}
	const magnitude = 10 ** Math.floor(Math.log10(value));
	const step = [1, 2, 2.5, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate * 4 >= value);
	return step * 4;
}

export function throughputChart(throughput) {
	const buckets = throughput?.buckets ?? [];
	const totals = buckets.map((bucket) => SERIES.reduce((sum, { key }) => sum + (bucket[key] ?? 0), 0));
	const max = niceMax(Math.max(0, ...totals));
	const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
	const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
	const slot = plotWidth / Math.max(1, buckets.length);
	const y = (value) => MARGIN.top + plotHeight - (value / max) * plotHeight;

	const grid = [0, 1, 2, 3, 4].map((tick) => {
		const value = (max / 4) * tick;
		return s('g', { class: 'tick' },
			s('line', { x1: MARGIN.left, x2: WIDTH - MARGIN.right, y1: y(value), y2: y(value) }),
			s('text', { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, value.toLocaleString('en-US')));
	});
	const bars = buckets.map((bucket, index) => {
		let base = 0;
		const x = MARGIN.left + index * slot + slot * 0.1;
		const time = bucket.at.slice(11, 16);
		const parts = SERIES.filter(({ key }) => bucket[key] > 0).map(({ key }) => {
			const top = base + bucket[key];
			const rect = s('rect', { class: `bar ${key}`, x, width: slot * 0.8, y: y(top), height: y(base) - y(top) });
			base = top;
			return rect;
		});
		const summary = SERIES.map(({ key, label }) => `${label} ${bucket[key] ?? 0}`).join(', ');
		return s('g', { class: 'bucket', 'data-at': bucket.at },
			s('title', {}, `${time} UTC: ${summary}`),
			s('rect', { class: 'hover', x: MARGIN.left + index * slot, y: MARGIN.top, width: slot, height: plotHeight }),
			parts);
	});
	const labels = buckets.map((bucket, index) => ((index % 10 === 0) || index === buckets.length - 1)
		? s('text', { class: 'x-label', x: MARGIN.left + index * slot + slot / 2, y: HEIGHT - 8, 'text-anchor': 'middle' },
			bucket.at.slice(11, 16))
		: null);
	const sums = SERIES.map(({ key }) => buckets.reduce((sum, bucket) => sum + (bucket[key] ?? 0), 0));
	return s('svg', {
		id: 'throughput-chart',
		viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
		role: 'img',
		'aria-label': `Tasks finished per minute over the last hour: ${SERIES.map(({ label }, i) => `${sums[i]} ${label.toLowerCase()}`).join(', ')}`,
	}, grid, bars, labels);
}

/** The chart's legend with the hour's totals. */
export function chartLegend(throughput) {
	const buckets = throughput?.buckets ?? [];
	return SERIES.map(({ key, label }) => {
		const total = buckets.reduce((sum, bucket) => sum + (bucket[key] ?? 0), 0);
		return { key, label, total };
	});
}
