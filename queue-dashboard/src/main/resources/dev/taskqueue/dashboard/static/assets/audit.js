// The audit log: every operator action, newest first.

import { api } from './api.js';
import { h, replace, syncKeyed } from './dom.js';
import { count, formatTime } from './format.js';
import { pager, section } from './widgets.js';

export function auditPage({ params, navigate }) {
	const rows = h('tbody', { id: 'audit-body' });
	const pages = pager(() => navigate('audit'), (cursor) => navigate('audit', { cursor }));

	async function refresh() {
		const page = await api.audit({ cursor: params.cursor, limit: 50 });
		syncKeyed(rows, page.items, (entry) => entry.id, (entry) => h('tr', { 'data-test': 'audit-row' },
			h('td', {}, formatTime(entry.at)),
			h('td', {}, entry.user),
			h('td', { 'data-test': 'audit-action' }, entry.action),
			h('td', { class: 'mono target' }, entry.target),
			h('td', { class: 'num', 'data-test': 'audit-tasks' }, count(entry.tasks)),
			h('td', {}, entry.detail ?? '')));
		if (page.items.length === 0) {
			replace(rows, h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No action was taken yet.')));
		}
		pages.update(page.next, !params.cursor);
	}

	const element = h('div', { class: 'page', id: 'audit' },
		h('h1', {}, 'Audit log'),
		section('Operator actions',
			h('div', { class: 'table-scroll' },
				h('table', { id: 'audit-table' },
					h('thead', {}, h('tr', {},
						h('th', { scope: 'col' }, 'At (UTC)'),
						h('th', { scope: 'col' }, 'User'),
						h('th', { scope: 'col' }, 'Action'),
						h('th', { scope: 'col' }, 'Target'),
						h('th', { scope: 'col', class: 'num' }, 'Tasks'),
						h('th', { scope: 'col' }, 'Detail'))),
					rows)),
			pages.element));
	return { title: 'Audit log', element, refresh };
}
