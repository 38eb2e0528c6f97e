// The dashboard's shell: learns who the user is, routes on the URL's hash, and re-reads what
// the current page shows every pollMillis while the tab is visible.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { clearFlash } from './widgets.js';
import { overviewPage } from './overview.js';
import { tasksPage } from './tasks.js';
import { taskPage } from './task.js';
import { flowPage } from './flow.js';
import { jobsPage, jobPage } from './jobs.js';
import { auditPage } from './audit.js';

const ROUTES = [
	{ pattern: /^(?:overview)?$/, nav: 'overview', page: overviewPage },
	{ pattern: /^tasks$/, nav: 'tasks', page: tasksPage },
	{ pattern: /^tasks\/([^/]+)$/, nav: 'tasks', page: taskPage },
	{ pattern: /^tasks\/([^/]+)\/flow$/, nav: 'tasks', page: flowPage },
	{ pattern: /^jobs$/, nav: 'jobs', page: jobsPage },
	{ pattern: /^jobs\/([^/]+)$/, nav: 'jobs', page: jobPage },
	{ pattern: /^audit$/, nav: 'audit', page: auditPage },
];

const view = document.getElementById('view');
const loadError = document.getElementById('load-error');
const updated = document.getElementById('updated');

let current = null;
let generation = 0;

/** Reads the hash as a path and its query: '#/tasks?status=READY' -> ['tasks', {status: 'READY'}]. */
function location() {
	const hash = window.location.hash.replace(/^#\/?/, '');
	const [path, search] = hash.split('?', 2);
	return { path: decodeURIComponent(path), params: Object.fromEntries(new URLSearchParams(search ?? '')) };
}

/** Moves to another page, or to the same page with other parameters. */
export function navigate(path, params) {
	const search = new URLSearchParams(Object.entries(params ?? {}).filter(([, value]) => value)).toString();
	window.location.hash = `#/${path}${search ? `?${search}` : ''}`;
}

/** Re-reads what the current page shows; a page's refreshes never overlap. */
async function refresh() {
	const page = current;
	if (!page) {
		return;
	}
	page.inflight ??= (async () => {
		try {
			await page.refresh();
			if (page === current) {
				loadError.hidden = true;
				replace(updated, `Updated ${new Date().toISOString().slice(11, 19)} UTC`);
			}
		}
		catch (ex) {
			if (page === current) {
				replace(loadError, `Could not load: ${ex.message}`);
				loadError.hidden = false;
			}
		}
		finally {
			page.inflight = null;
		}
	})();
	return page.inflight;
}

async function route(me) {
	const { path, params } = location();
	const match = ROUTES.map((candidate) => ({ candidate, groups: candidate.pattern.exec(path) }))
		.find(({ groups }) => groups);
	const mine = ++generation;
	current?.dispose?.();
	current = null;
	clearFlash();
	delete view.dataset.loaded;
	for (const link of document.querySelectorAll('[data-nav]')) {
		if (match?.candidate.nav === link.dataset.nav) {
			link.setAttribute('aria-current', 'page');
		}
		else {
			link.removeAttribute('aria-current');
		}
	}
	if (!match) {
		replace(view, h('p', { role: 'alert' }, `No such page: ${path}`));
		return;
	}
	const page = match.candidate.page({ me, params, id: match.groups[1] ? decodeURIComponent(match.groups[1]) : null,
		navigate, refresh });
	replace(view, page.element);
	document.title = `${page.title} · TaskQueue`;
	if (mine === generation) {
		current = page;
		await refresh();
		view.dataset.loaded = path || 'overview';
	}
}

async function start() {
	let me;
	try {
		me = await api.me();
	}
	catch (ex) {
		replace(view, h('p', { role: 'alert', class: 'flash error' }, `The dashboard cannot start: ${ex.message}`));
		return;
	}
	document.body.dataset.operator = String(me.operator);
	replace(document.getElementById('user'), h('span', { class: 'user-name' }, me.user), ' ',
		h('span', { class: 'badge role' }, me.operator ? 'operator' : 'viewer'));
	window.addEventListener('hashchange', () => route(me));
	document.addEventListener('visibilitychange', () => {
		if (document.visibilityState === 'visible') {
			refresh();
		}
	});
	const interval = Math.max(250, me.pollMillis ?? 2000);
	window.setInterval(() => {
		if (document.visibilityState === 'visible') {
			refresh();
		}
	}, interval);
	await route(me);
}

start();
