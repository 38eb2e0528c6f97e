// Jobs: the list with a progress bar each, and one job with its counts, its flow's graph (when
// its tasks depend on each other) and its tasks.

import { api } from './api.js';
import { h, replace, syncKeyed } from './dom.js';
import { count, formatTime, JOB_STATUSES } from './format.js';
import { flowView } from './flow.js';
import { taskList } from './tasks.js';
import { confirmed, facts, jobLink, pager, progressBar, section, statusBadge } from './widgets.js';

function jobActionButton(job, action, after, id) {
	const retry = action === 'retry';
	return h('button', {
		type: 'button',
		class: retry ? 'action' : 'action danger',
		id,
		'data-test': `job-${action}`,
		disabled: retry ? job.failed === 0 && job.cancelled === 0 : (job.status === 'SUCCEEDED' || job.status === 'CANCELLED'),
		onclick: () => confirmed(
			retry ? `Retry the failed tasks of job "${job.name}"?` : `Cancel job "${job.name}" and its unfinished tasks?`,
			retry ? 'Retry job' : 'Cancel job',
			() => api.jobAction(job.id, action),
			(answer) => `Job "${job.name}": ${count(answer.changed)} ${retry ? 'task(s) queued again' : 'change(s)'}.`,
			after),
	}, retry ? 'Retry' : 'Cancel');
}

function counts(job) {
	return h('ul', { class: 'counts', 'aria-label': 'Tasks by status' },
		['waiting', 'ready', 'running', 'succeeded', 'failed', 'cancelled'].map((key) =>
			h('li', { class: `status-${key}` }, h('span', { class: 'count-label' }, key), ' ',
				h('strong', { 'data-test': `count-${key}` }, count(job[key])))));
}

export function jobsPage({ me, params, navigate, refresh: refreshNow }) {
	const rows = h('tbody', { id: 'jobs-body' });
	const pages = pager(() => navigate('jobs', { status: params.status }),
		(cursor) => navigate('jobs', { status: params.status, cursor }));
	const statusSelect = h('select', { id: 'job-filter-status', name: 'status',
		onchange: () => navigate('jobs', { status: statusSelect.value }) },
	h('option', { value: '' }, 'Any status'),
	JOB_STATUSES.map((status) => h('option', { value: status, selected: params.status === status }, status)));

	const row = (job) => h('tr', { 'data-job-id': job.id, 'data-status': job.status },
		h('td', {}, jobLink(job.id, job.name || job.id)),
		h('td', { 'data-test': 'job-status' }, statusBadge(job.status)),
		h('td', { class: 'progress-cell wide' }, progressBar(job.progress, `Progress of job ${job.name}`)),
		h('td', { class: 'num' }, `${count(job.succeeded)} / ${count(job.total)}`),
		h('td', { class: 'num' }, count(job.failed)),
		h('td', {}, formatTime(job.createdAt)),
		h('td', {}, formatTime(job.finishedAt)),
		me.operator ? h('td', { class: 'actions' },
			jobActionButton(job, 'retry', refreshNow), jobActionButton(job, 'cancel', refreshNow)) : null);

	async function refresh() {
		const page = await api.jobs({ status: params.status, cursor: params.cursor, limit: 50 });
		syncKeyed(rows, page.items, (job) => job.id, row);
		if (page.items.length === 0) {
			replace(rows, h('tr', {}, h('td', { colspan: 8, class: 'empty' }, 'No job.')));
		}
		pages.update(page.next, !params.cursor);
	}

	const element = h('div', { class: 'page', id: 'jobs' },
		h('h1', {}, 'Jobs'),
		h('section', { class: 'card' },
			h('div', { class: 'filters' }, h('label', {}, 'Status', statusSelect)),
			h('div', { class: 'table-scroll' },
				h('table', { id: 'jobs-table' },
					h('thead', {}, h('tr', {},
						h('th', { scope: 'col' }, 'Job'),
						h('th', { scope: 'col' }, 'Status'),
						h('th', { scope: 'col' }, 'Progress'),
						h('th', { scope: 'col', class: 'num' }, 'Succeeded'),
						h('th', { scope: 'col', class: 'num' }, 'Failed'),
						h('th', { scope: 'col' }, 'Created (UTC)'),
						h('th', { scope: 'col' }, 'Finished (UTC)'),
						me.operator ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
					rows)),
			pages.element));
	return { title: 'Jobs', element, refresh };
}

export function jobPage({ me, id, refresh: refreshNow }) {
	const summary = h('div', { id: 'job-detail', 'data-job-id': id });
	const graphSection = section('Flow', h('p', { class: 'muted' }, 'Loading…'));
	graphSection.hidden = true;
	const listOptions = {
		me,
		filter: { job: id },
		title: 'Tasks of the job',
		onFirst: () => {
			listOptions.cursor = null;
			refreshNow();
		},
		onNext: (cursor) => {
			listOptions.cursor = cursor;
			refreshNow();
		},
		refresh: refreshNow,
	};
	const list = taskList(listOptions);
	let graph = null;
	let shown = null;

	async function refresh() {
		const job = await api.job(id);
		const signature = JSON.stringify(job);
		if (signature !== shown) {
			shown = signature;
			replace(summary,
				h('div', { class: 'toolbar' },
					statusBadge(job.status),
					h('span', { class: 'job-name' }, job.name),
					h('span', { class: 'spacer' }),
					me.operator ? [
						jobActionButton(job, 'retry', refreshNow, 'job-retry'),
						jobActionButton(job, 'cancel', refreshNow, 'job-cancel'),
					] : null),
				section('Progress', h('div', { id: 'job-progress' }, progressBar(job.progress, 'Job progress')), counts(job)),
				h('div', { class: 'columns' },
					section('Times (UTC)', facts([
						['Created', formatTime(job.createdAt)],
						['Started', formatTime(job.startedAt)],
						['Finished', formatTime(job.finishedAt)],
						['Tasks', count(job.total)],
					])),
					section('Result', (job.result === null || job.result === undefined) ? h('p', { class: 'muted' }, 'None yet.')
						: h('pre', { class: 'json' }, JSON.stringify(job.result, null, 2)))));
		}
		const page = await list.refresh();
		if (!graph && page.items.length > 0) {
			graph = flowView(page.items[page.items.length - 1].id);
			replace(graphSection, h('h2', {}, 'Flow'), graph.element);
		}
		if (graph) {
			const flow = await graph.refresh();
			graphSection.hidden = flow.edges.length === 0;
		}
	}

	const element = h('div', { class: 'page', id: 'job' },
		h('h1', {}, 'Job ', h('span', { class: 'mono' }, id)),
		summary,
		graphSection,
		section('Tasks', list.element));
	return { title: `Job ${id}`, element, refresh };
}
