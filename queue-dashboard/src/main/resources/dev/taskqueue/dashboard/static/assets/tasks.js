// The task list: filtered by status, type, queue, job and creation time, a keyset page at a
// time, with retry and cancel per task, for a selection and for everything the filter matches.

import { api } from './api.js';
import { h, replace, syncKeyed } from './dom.js';
import { canCancel, canRetry, count, formatTime, TASK_STATUSES } from './format.js';
import { confirmed, jobLink, pager, progressBar, section, shortId, statusBadge, taskLink } from './widgets.js';

const FILTER_FIELDS = ['status', 'type', 'queue', 'job', 'from', 'to'];

/** The filter's fields that are set, as an object. */
export function filterOf(params) {
	return Object.fromEntries(FILTER_FIELDS.filter((field) => params[field]).map((field) => [field, params[field]]));
}

function describeFilter(filter) {
	const parts = Object.entries(filter).map(([field, value]) => `${field} ${value}`);
	return parts.join(', ');
}

/** Asks for a task's retry or cancel, confirmed, then refreshes. */
export function taskActionButton(task, action, after, id) {
	const retry = action === 'retry';
	return h('button', {
		type: 'button',
		class: retry ? 'action' : 'action danger',
		id,
		'data-test': `task-${action}`,
		disabled: !(retry ? canRetry(task.status) : canCancel(task.status)),
		onclick: () => confirmed(
			`${retry ? 'Retry' : 'Cancel'} task ${task.type} ${shortId(task.id)} (${task.status})?`,
			retry ? 'Retry' : 'Cancel task',
			() => api.taskAction(task.id, action),
			(answer) => answer.changed ? `Task ${shortId(task.id)} ${retry ? 'queued again' : 'cancelled'}.`
				: `Task ${shortId(task.id)} was not changed (it is no longer ${task.status}).`,
			after),
	}, retry ? 'Retry' : 'Cancel');
}

/**
 * A table of tasks for one filter and cursor, with checkboxes and bulk actions for operators.
 * @param options me, filter, cursor, onFirst, onNext(cursor), and title
 */
export function taskList(options) {
	const { me, filter } = options;
	const filtered = Object.keys(filter).length > 0;
	const selected = new Set();
	const rows = h('tbody', { id: 'tasks-body' });
	// Shown when the server stopped reading before it filled the page, to go on from there
	const scanStopped = h('tfoot', { id: 'scan-stopped' });
	const pages = pager(() => options.onFirst(), (cursor) => options.onNext(cursor));
	const selectionCount = h('span', { id: 'selection-count', 'aria-live': 'polite' }, '0 selected');
	let shown = [];

	function updateSelection() {
		replace(selectionCount, `${selected.size} selected`);
		for (const button of element.querySelectorAll('[data-needs-selection]')) {
			button.disabled = selected.size === 0;
		}
		const all = element.querySelector('#select-all');
		if (all) {
			all.checked = shown.length > 0 && shown.every((task) => selected.has(task.id));
			all.indeterminate = !all.checked && shown.some((task) => selected.has(task.id));
		}
	}

	function checkbox(task) {
		return h('input', {
			type: 'checkbox',
			'data-test': 'select-task',
			'aria-label': `Select task ${task.type} ${shortId(task.id)}`,
			checked: selected.has(task.id),
			onchange: (event) => {
				if (event.target.checked) {
					selected.add(task.id);
				}
				else {
					selected.delete(task.id);
				}
				updateSelection();
			},
		});
	}

	function row(task) {
		return h('tr', { 'data-task-id': task.id, 'data-status': task.status },
			me.operator ? h('td', { class: 'select' }, checkbox(task)) : null,
			h('td', {}, taskLink(task.id), h('span', { class: 'visually-hidden' }, task.id)),
			h('td', { 'data-test': 'task-type' }, task.type),
			h('td', {}, task.queue),
			h('td', { 'data-test': 'task-status' }, statusBadge(task.status)),
			h('td', { class: 'num' }, count(task.attempts)),
			h('td', { class: 'progress-cell' }, (task.progress !== null && task.progress !== undefined)
				? progressBar(task.progress, `Progress of task ${shortId(task.id)}`) : '—'),
			h('td', {}, formatTime(task.createdAt)),
			h('td', {}, formatTime(task.finishedAt)),
			options.showJob ? h('td', {}, task.jobId ? jobLink(task.jobId) : '—') : null,
			h('td', { class: 'error-text', title: task.errorMessage ?? '' }, task.errorMessage ?? ''),
			me.operator ? h('td', { class: 'actions' },
				taskActionButton(task, 'retry', options.refresh),
				taskActionButton(task, 'cancel', options.refresh)) : null);
	}

	function bulk(action, scope) {
		const retry = action === 'retry';
		const verb = retry ? 'Retry' : 'Cancel';
		const bySelection = scope === 'selection';
		const ids = Array.from(selected);
		const message = bySelection
			? `${verb} the ${ids.length} selected task${ids.length === 1 ? '' : 's'}?`
			: `${verb} every task matching ${describeFilter(filter)}? This includes tasks on other pages.`;
		return confirmed(message, `${verb} tasks`,
			() => api.bulk(bySelection ? { action, ids } : { action, filter }),
			(answer) => {
				if (bySelection) {
					selected.clear();
					for (const box of rows.querySelectorAll('[data-test=select-task]')) {
						box.checked = false;
					}
					updateSelection();
				}
				const more = answer.truncated ? ' More tasks match: the bulk limit stopped it; run it again for the rest.' : '';
				return `${verb}: ${count(answer.changed)} of ${count(answer.matched)} matching task${answer.matched === 1 ? '' : 's'} changed.${more}`;
			},
			options.refresh);
	}

	const bulkBar = me.operator ? h('div', { class: 'bulk-bar', role: 'toolbar', 'aria-label': 'Bulk actions' },
		selectionCount,
		h('button', { type: 'button', id: 'bulk-retry-selected', 'data-needs-selection': true, disabled: true,
			onclick: () => bulk('retry', 'selection') }, 'Retry selected'),
		h('button', { type: 'button', id: 'bulk-cancel-selected', class: 'danger', 'data-needs-selection': true, disabled: true,
			onclick: () => bulk('cancel', 'selection') }, 'Cancel selected'),
		h('span', { class: 'spacer' }),
		// The API refuses a bulk action with no filter, which would act on every task
		filtered ? h('button', { type: 'button', id: 'bulk-retry-filter', onclick: () => bulk('retry', 'filter') },
			'Retry all matching') : null,
		filtered ? h('button', { type: 'button', id: 'bulk-cancel-filter', class: 'danger',
			onclick: () => bulk('cancel', 'filter') }, 'Cancel all matching') : null) : null;

	const element = h('div', { class: 'task-list' },
		bulkBar,
		h('div', { class: 'table-scroll' },
			h('table', { id: 'tasks-table' },
				h('caption', { class: 'visually-hidden' }, options.title ?? 'Tasks'),
				h('thead', {}, h('tr', {},
					me.operator ? h('th', { scope: 'col', class: 'select' }, h('input', {
						type: 'checkbox',
						id: 'select-all',
						'aria-label': 'Select every task on this page',
						onchange: (event) => {
							for (const task of shown) {
								if (event.target.checked) {
									selected.add(task.id);
								}
								else {
									selected.delete(task.id);
								}
							}
							for (const box of rows.querySelectorAll('[data-test=select-task]')) {
								box.checked = event.target.checked;
							}
							updateSelection();
						},
					})) : null,
					h('th', { scope: 'col' }, 'Task'),
					h('th', { scope: 'col' }, 'Type'),
					h('th', { scope: 'col' }, 'Queue'),
					h('th', { scope: 'col' }, 'Status'),
					h('th', { scope: 'col', class: 'num' }, 'Attempts'),
					h('th', { scope: 'col' }, 'Progress'),
					h('th', { scope: 'col' }, 'Created (UTC)'),
					h('th', { scope: 'col' }, 'Finished (UTC)'),
					options.showJob ? h('th', { scope: 'col' }, 'Job') : null,
					h('th', { scope: 'col' }, 'Last error'),
					me.operator ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
				rows,
				scanStopped)),
		pages.element);

	async function refresh() {
		const page = await api.tasks({ ...filter, limit: options.limit ?? 50, cursor: options.cursor });
		shown = page.items;
		syncKeyed(rows, page.items, (task) => task.id, row);
		if (page.items.length === 0 && !page.scannedTo) {
			replace(rows, h('tr', {}, h('td', { colspan: 13, class: 'empty' }, 'No task matches.')));
		}
		replace(scanStopped, page.scannedTo ? h('tr', {}, h('td', { colspan: 13, class: 'empty' },
			'No more matches among the tasks scanned so far. ',
			h('button', { type: 'button', id: 'keep-looking', onclick: () => options.onNext(page.scannedTo) },
				'Keep looking'))) : null);
		pages.update(page.next, !options.cursor);
		updateSelection();
		return page;
	}

	return { element, refresh };
}

function toInput(iso) {
	return iso ? iso.slice(0, 16) : '';
}

function fromInput(value) {
	return value ? `${value}:00Z` : '';
}

export function tasksPage({ me, params, navigate, refresh: refreshNow }) {
	const filter = filterOf(params);
	// Free text with suggestions: the server lists the types and queues it knows of, which may
	// lag behind tasks enqueued a moment ago
	const typeOptions = h('datalist', { id: 'filter-types' });
	const queueOptions = h('datalist', { id: 'filter-queues' });
	const typeInput = h('input', { name: 'type', id: 'filter-type', list: 'filter-types', value: filter.type ?? '',
		placeholder: 'Any type', autocomplete: 'off', spellcheck: 'false' });
	const queueInput = h('input', { name: 'queue', id: 'filter-queue', list: 'filter-queues', value: filter.queue ?? '',
		placeholder: 'Any queue', autocomplete: 'off', spellcheck: 'false' });
	const statusSelect = h('select', { name: 'status', id: 'filter-status' },
		h('option', { value: '' }, 'Any status'),
		TASK_STATUSES.map((status) => h('option', { value: status, selected: filter.status === status }, status)));
	const jobInput = h('input', { name: 'job', id: 'filter-job', value: filter.job ?? '', placeholder: 'Job id', size: 36,
		spellcheck: 'false', autocomplete: 'off' });
	const fromInputElement = h('input', { type: 'datetime-local', name: 'from', id: 'filter-from', value: toInput(filter.from) });
	const toInputElement = h('input', { type: 'datetime-local', name: 'to', id: 'filter-to', value: toInput(filter.to) });

	const form = h('form', {
		id: 'task-filter',
		class: 'filters',
		role: 'search',
		onsubmit: (event) => {
			event.preventDefault();
			navigate('tasks', {
				status: statusSelect.value,
				type: typeInput.value.trim(),
				queue: queueInput.value.trim(),
				job: jobInput.value.trim(),
				from: fromInput(fromInputElement.value),
				to: fromInput(toInputElement.value),
			});
		},
	},
	h('label', {}, 'Status', statusSelect),
	h('label', {}, 'Type', typeInput, typeOptions),
	h('label', {}, 'Queue', queueInput, queueOptions),
	h('label', {}, 'Job', jobInput),
	h('label', {}, 'Created from (UTC)', fromInputElement),
	h('label', {}, 'to', toInputElement),
	h('div', { class: 'filter-buttons' },
		h('button', { type: 'submit', id: 'apply-filter', class: 'primary' }, 'Apply'),
		h('button', { type: 'button', id: 'reset-filter', onclick: () => navigate('tasks') }, 'Reset')));

	const list = taskList({
		me,
		filter,
		cursor: params.cursor,
		showJob: true,
		title: 'Tasks matching the filter',
		onFirst: () => navigate('tasks', filter),
		onNext: (cursor) => navigate('tasks', { ...filter, cursor }),
		refresh: refreshNow,
	});

	let filtersLoaded = false;

	async function refresh() {
		if (!filtersLoaded) {
			const filters = await api.filters();
			typeOptions.append(...filters.types.map((type) => h('option', { value: type })));
			queueOptions.append(...filters.queues.map((queue) => h('option', { value: queue })));
			filtersLoaded = true;
		}
		await list.refresh();
	}

	const element = h('div', { class: 'page', id: 'tasks' },
		h('h1', {}, 'Tasks'),
		section('Filter', form),
		h('section', { class: 'card' }, list.element));
	return { title: 'Tasks', element, refresh };
}
