// One task: its times, payload, result, every attempt's error, progress, parents and children.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { formatTime } from './format.js';
import { taskActionButton } from './tasks.js';
import { facts, jobLink, progressBar, section, statusBadge, taskLink } from './widgets.js';

function json(value, hiddenText) {
	if (value === null || value === undefined) {
		return h('p', { class: 'muted' }, hiddenText ?? 'None.');
	}
	return h('pre', { class: 'json' }, (typeof value === 'string') ? value : JSON.stringify(value, null, 2));
}

function relatives(list, emptyText) {
	if (!list || list.length === 0) {
		return h('p', { class: 'muted' }, emptyText);
	}
	return h('ul', { class: 'relatives' }, list.map((relative) => h('li', { 'data-task-id': relative.id },
		taskLink(relative.id), ' ', h('span', {}, relative.type), ' ', statusBadge(relative.status))));
}

export function taskPage({ me, id, refresh: refreshNow }) {
	const body = h('div', { id: 'task-detail', 'data-task-id': id });
	const heading = h('h1', {}, 'Task ', h('span', { class: 'mono' }, id));

	let shown = null;

	async function refresh() {
		const task = await api.task(id);
		// Redrawn only when something changed, so that an opened error detail stays open
		const signature = JSON.stringify(task);
		if (signature === shown) {
			return;
		}
		shown = signature;
		const hasGraph = (task.parents?.length ?? 0) + (task.children?.length ?? 0) > 0;
		const payloadHidden = (me.payloads === 'hide') ? 'Hidden by configuration.' : null;
		replace(body,
			h('div', { class: 'toolbar' },
				statusBadge(task.status),
				h('span', { class: 'task-type' }, task.type),
				hasGraph ? h('a', { href: `#/tasks/${encodeURIComponent(task.id)}/flow`, id: 'flow-link', class: 'button' },
					'Dependency graph') : null,
				h('span', { class: 'spacer' }),
				me.operator ? [
					taskActionButton(task, 'retry', refreshNow, 'task-retry'),
					taskActionButton(task, 'cancel', refreshNow, 'task-cancel'),
				] : null),
			h('div', { class: 'columns' },
				section('Details', facts([
					['Status', statusBadge(task.status), 'task-status'],
					['Type', task.type],
					['Queue', task.queue],
					['Priority', String(task.priority)],
					['Attempts', String(task.attempts), 'task-attempts'],
					['Job', task.jobId ? jobLink(task.jobId, h('span', { class: 'mono' }, task.jobId)) : null],
					['Unique key', task.uniqueKey],
					['Worker node', task.worker, 'task-worker'],
				])),
				section('Times (UTC)', facts([
					['Created', formatTime(task.createdAt)],
					['Due', formatTime(task.runAt)],
					['Started', formatTime(task.startedAt)],
					['Finished', formatTime(task.finishedAt)],
				]))),
			section('Progress',
				h('div', { id: 'task-progress' },
					(task.progress !== null && task.progress !== undefined)
						? progressBar(task.progress, 'Task progress') : h('p', { class: 'muted' }, 'Not reported.'),
					task.progressMessage ? h('p', { class: 'progress-message' }, task.progressMessage) : null)),
			h('div', { class: 'columns' },
				section('Parents', relatives(task.parents, 'No parent.')),
				section('Children', relatives(task.children, 'No child.'))),
			h('div', { class: 'columns' },
				section('Payload', json(task.payload, payloadHidden)),
				section('Result', json(task.result))),
			section('Errors',
				(task.errors?.length ?? 0) === 0 ? h('p', { class: 'muted' }, 'No attempt failed.')
					: h('table', { id: 'errors-table' },
						h('thead', {}, h('tr', {},
							h('th', { scope: 'col', class: 'num' }, 'Attempt'),
							h('th', { scope: 'col' }, 'Failed at (UTC)'),
							h('th', { scope: 'col' }, 'Error'))),
						h('tbody', {}, task.errors.map((error) => h('tr', { 'data-test': 'error-row' },
							h('td', { class: 'num' }, String(error.attempt)),
							h('td', {}, formatTime(error.failedAt)),
							h('td', {},
								h('div', { class: 'error-text' }, error.message ?? ''),
								error.detail ? h('details', {}, h('summary', {}, 'Detail'), h('pre', { class: 'trace' }, error.detail)) : null)))))),
			section('Options', json(task.options)));
	}

	return { title: `Task ${id}`, element: h('div', { class: 'page' }, heading, body), refresh };
}
