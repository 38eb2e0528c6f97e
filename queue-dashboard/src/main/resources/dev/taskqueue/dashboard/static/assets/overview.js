// The overview: what finished over the last hour, the backlog of each queue, and the live nodes.

import { api } from './api.js';
import { h, replace, syncKeyed } from './dom.js';
import { age, count, formatDuration, formatTime } from './format.js';
import { chartLegend, throughputChart } from './chart.js';
import { section } from './widgets.js';

export function overviewPage() {
	const chart = h('div', { class: 'chart' });
	const legend = h('ul', { class: 'legend', id: 'throughput-totals' });
	const queues = h('tbody');
	const nodes = h('tbody');
	const element = h('div', { class: 'page', id: 'overview' },
		h('h1', {}, 'Overview'),
		section('Throughput, last hour', legend, chart),
		h('div', { class: 'columns' },
			section('Queues',
				h('table', { id: 'queues-table' },
					h('thead', {}, h('tr', {},
						h('th', { scope: 'col' }, 'Queue'),
						h('th', { scope: 'col', class: 'num' }, 'Waiting'),
						h('th', { scope: 'col', class: 'num' }, 'Ready'),
						h('th', { scope: 'col', class: 'num' }, 'Running'),
						h('th', { scope: 'col', class: 'num' }, 'Oldest due'))),
					queues)),
			section('Live nodes',
				h('table', { id: 'nodes-table' },
					h('thead', {}, h('tr', {},
						h('th', { scope: 'col' }, 'Node'),
						h('th', { scope: 'col' }, 'Host'),
						h('th', { scope: 'col' }, 'Started'),
						h('th', { scope: 'col', class: 'num' }, 'Heartbeat'),
						h('th', { scope: 'col', class: 'num' }, 'Running'),
						h('th', { scope: 'col' }, 'Lanes'))),
					nodes))));

	async function refresh() {
		const overview = await api.overview();
		replace(chart, throughputChart(overview.throughput));
		replace(legend, chartLegend(overview.throughput).map(({ key, label, total }) =>
			h('li', { class: key }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), `${label}: `,
				h('strong', { 'data-test': `total-${key}` }, count(total)))));
		syncKeyed(queues, overview.queues, (queue) => queue.queue, (queue) => h('tr', { 'data-test': 'queue-row', 'data-queue': queue.queue },
			h('th', { scope: 'row' }, h('a', { href: `#/tasks?queue=${encodeURIComponent(queue.queue)}` }, queue.queue)),
			h('td', { class: 'num', 'data-test': 'waiting' }, count(queue.waiting)),
			h('td', { class: 'num', 'data-test': 'ready' }, count(queue.ready)),
			h('td', { class: 'num', 'data-test': 'running' }, count(queue.running)),
			h('td', { class: 'num', 'data-test': 'oldest-due' }, formatDuration(queue.oldestDueAgeMillis))));
		if (overview.queues.length === 0) {
			replace(queues, h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No queue has unfinished tasks.')));
		}
		syncKeyed(nodes, overview.nodes.map((node) => ({ ...node, heartbeatAge: formatDuration(age(node.lastHeartbeat, overview.now)) })),
			(node) => node.id, (node) => h('tr', { 'data-test': 'node-row' },
				h('th', { scope: 'row', class: 'mono' }, node.id),
				h('td', {}, node.host),
				h('td', {}, formatTime(node.startedAt)),
				h('td', { class: 'num' }, `${node.heartbeatAge} ago`),
				h('td', { class: 'num' }, count(node.tasksRunning)),
				h('td', { class: 'lanes' }, node.lanes)));
		if (overview.nodes.length === 0) {
			replace(nodes, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No live node.')));
		}
	}

	return { title: 'Overview', element, refresh };
}
