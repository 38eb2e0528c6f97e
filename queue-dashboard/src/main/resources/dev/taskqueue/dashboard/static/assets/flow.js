// A flow's dependency graph as SVG: tasks in layers from left to right (each task one layer
// right of its furthest parent), ordered within a layer to keep edges short, colored by
// status, each a link to the task.

import { api } from './api.js';
import { h, replace, s } from './dom.js';
import { TASK_STATUSES } from './format.js';
import { section, shortId } from './widgets.js';

const NODE_WIDTH = 176;
const NODE_HEIGHT = 44;
const GAP_X = 64;
const GAP_Y = 18;
const PAD = 12;
const SWEEPS = 4;

/**
 * Assigns each node a layer (longest path from a root) and a position within its layer, and
 * each edge the waypoints it passes in the layers it skips (routes, by "from>to").
 */
export function layout(nodes, edges) {
	const ids = nodes.map((node) => node.id);
	const parents = new Map(ids.map((id) => [id, []]));
	const children = new Map(ids.map((id) => [id, []]));
	for (const edge of edges) {
		if (parents.has(edge.to) && children.has(edge.from)) {
			parents.get(edge.to).push(edge.from);
			children.get(edge.from).push(edge.to);
		}
	}
	// Kahn's order; a node on a cycle (which the queue never makes) stays in layer 0
	const layer = new Map(ids.map((id) => [id, 0]));
	const pending = new Map(ids.map((id) => [id, parents.get(id).length]));
	const ready = ids.filter((id) => pending.get(id) === 0);
	while (ready.length > 0) {
		const id = ready.shift();
		for (const child of children.get(id)) {
			layer.set(child, Math.max(layer.get(child), layer.get(id) + 1));
			pending.set(child, pending.get(child) - 1);
			if (pending.get(child) === 0) {
				ready.push(child);
			}
		}
	}
	// An edge that skips layers passes an invisible waypoint in each layer between, ordered like
	// a task, so that it is drawn around the tasks of those layers rather than through them
	const above = new Map(ids.map((id) => [id, []]));
	const below = new Map(ids.map((id) => [id, []]));
	const routes = new Map();
	for (const edge of edges) {
		if (!layer.has(edge.from) || !layer.has(edge.to)) {
			continue;
		}
		const waypoints = [];
		for (let step = layer.get(edge.from) + 1; step < layer.get(edge.to); step++) {
			const waypoint = `${edgeKey(edge)}@${step}`;
			layer.set(waypoint, step);
			above.set(waypoint, []);
			below.set(waypoint, []);
			waypoints.push(waypoint);
		}
		const path = [edge.from, ...waypoints, edge.to];
		for (let index = 1; index < path.length; index++) {
			below.get(path[index - 1]).push(path[index]);
			above.get(path[index]).push(path[index - 1]);
		}
		routes.set(edgeKey(edge), waypoints);
	}
	const layers = [];
	for (const id of layer.keys()) {
		(layers[layer.get(id)] ??= []).push(id);
	}
	const position = new Map();
	const place = () => layers.forEach((members) => members.forEach((id, index) => position.set(id, index)));
	place();
	const barycenter = (id, neighbours) => {
		const list = neighbours.get(id);
		return list.length ? list.reduce((sum, other) => sum + position.get(other), 0) / list.length : position.get(id);
	};
	for (let sweep = 0; sweep < SWEEPS; sweep++) {
		const down = sweep % 2 === 0;
		const order = down ? layers.slice(1) : layers.slice(0, -1).reverse();
		for (const members of order) {
			const keys = new Map(members.map((id) => [id, barycenter(id, down ? above : below)]));
			members.sort((a, b) => keys.get(a) - keys.get(b));
			place();
		}
	}
	return { layers: layers.map((members) => members ?? []), layer, position, routes };
}

function edgeKey(edge) {
	return `${edge.from}>${edge.to}`;
}

function label(text, max) {
	return (text.length > max) ? `${text.slice(0, max - 1)}…` : text;
}

/** The graph's SVG, with the focused task outlined. */
export function flowGraph(flow, focusId) {
	const { layers, layer, position, routes } = layout(flow.nodes, flow.edges);
	const tallest = Math.max(1, ...layers.map((members) => members.length));
	const width = PAD * 2 + layers.length * NODE_WIDTH + Math.max(0, layers.length - 1) * GAP_X;
	const height = PAD * 2 + tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
	const point = (id) => {
		const members = layers[layer.get(id)].length;
		const offset = (height - PAD * 2 - (members * NODE_HEIGHT + (members - 1) * GAP_Y)) / 2;
		return {
			x: PAD + layer.get(id) * (NODE_WIDTH + GAP_X),
			y: PAD + offset + position.get(id) * (NODE_HEIGHT + GAP_Y),
		};
	};
	const edges = flow.edges.filter((edge) => layer.has(edge.from) && layer.has(edge.to)).map((edge) => {
		// From the parent's right side through each waypoint's row to the child's left side
		const stops = [edge.from, ...routes.get(edgeKey(edge)), edge.to].map(point);
		let d = `M ${stops[0].x + NODE_WIDTH} ${stops[0].y + NODE_HEIGHT / 2}`;
		for (let index = 1; index < stops.length; index++) {
			const x1 = stops[index - 1].x + NODE_WIDTH;
			const y1 = stops[index - 1].y + NODE_HEIGHT / 2;
			const last = index === stops.length - 1;
			const x2 = stops[index].x - (last ? 4 : 0);
			const y2 = stops[index].y + NODE_HEIGHT / 2;
			const bend = Math.max(24, (x2 - x1) / 2);
			d += ` C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`;
			if (!last) {
				d += ` L ${x2 + NODE_WIDTH} ${y2}`;
			}
		}
		return s('path', {
			class: edge.evenIfFailed ? 'edge even-if-failed' : 'edge',
			d,
			'marker-end': 'url(#arrow)',
			'data-from': edge.from,
			'data-to': edge.to,
		});
	});
	const nodes = flow.nodes.map((node) => {
		const { x, y } = point(node.id);
		return s('a', { href: `#/tasks/${encodeURIComponent(node.id)}`, 'aria-label': `${node.type} ${node.status}` },
			s('g', {
				class: `node status-${node.status.toLowerCase()}${node.id === focusId ? ' focus' : ''}`,
				'data-test': 'flow-node',
				'data-task-id': node.id,
				'data-status': node.status,
				transform: `translate(${x} ${y})`,
			},
			s('title', {}, `${node.type} (${node.status})\n${node.id}`),
			s('rect', { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 6 }),
			s('text', { x: 10, y: 18, class: 'node-type' }, label(node.type, 22)),
			s('text', { x: 10, y: 34, class: 'node-status' }, `${node.status} · ${shortId(node.id)}`)));
	});
	return s('svg', {
		id: 'flow-graph',
		class: 'flow-graph',
		width,
		height,
		viewBox: `0 0 ${width} ${height}`,
		role: 'group',
		'aria-label': `Dependency graph of ${flow.nodes.length} tasks`,
	},
	s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7,
		orient: 'auto-start-reverse' }, s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow' }))),
	edges, nodes);
}

export function statusLegend() {
	return h('ul', { class: 'legend status-legend', 'aria-label': 'Status colors' },
		TASK_STATUSES.map((status) => h('li', { class: `status-${status.toLowerCase()}` },
			h('span', { class: 'swatch', 'aria-hidden': 'true' }), status)),
		h('li', { class: 'even-if-failed' }, h('span', { class: 'dash', 'aria-hidden': 'true' }), 'runs even if the parent failed'));
}

/**
 * The graph around a task with its legend, redrawn only when a status or the shape changed.
 * @param taskId the task whose flow to draw
 * @param focused whether to outline that task (on its own graph, not on its job's)
 */
export function flowView(taskId, focused) {
	const holder = h('div', { class: 'graph-scroll' });
	const note = h('p', { class: 'muted', hidden: true }, 'The graph is large: only part of it is shown.');
	let shown = null;
	async function refresh() {
		const flow = await api.flow(taskId);
		const signature = JSON.stringify(flow);
		if (signature !== shown) {
			shown = signature;
			replace(holder, flowGraph(flow, focused ? taskId : null));
			note.hidden = !flow.truncated;
		}
		return flow;
	}
	return { element: h('div', {}, statusLegend(), note, holder), refresh };
}

export function flowPage({ id }) {
	const view = flowView(id, true);
	const element = h('div', { class: 'page', id: 'flow' },
		h('h1', {}, 'Dependency graph'),
		h('p', {}, 'Around task ', h('a', { href: `#/tasks/${encodeURIComponent(id)}`, class: 'mono' }, id),
			'. Click a task to open it.'),
		section('Flow', view.element));
	return { title: 'Dependency graph', element, refresh: view.refresh };
}
