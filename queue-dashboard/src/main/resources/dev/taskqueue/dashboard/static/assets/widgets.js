// Small pieces shared by the pages: badges, progress bars, links, the confirmation dialog and
// the message line.

import { h, replace } from './dom.js';
import { percent } from './format.js';

/** A status as a colored badge. */
export function statusBadge(status) {
	return h('span', { class: `badge status-${String(status).toLowerCase()}`, 'data-test': 'status' }, status);
}

/** A progress bar for a fraction 0..1, labelled for screen readers. */
export function progressBar(fraction, label) {
	const value = percent(fraction);
	return h('div', {
		class: 'progress',
		role: 'progressbar',
		'aria-valuemin': 0,
		'aria-valuemax': 100,
		'aria-valuenow': value,
		'aria-label': label ?? 'Progress',
		'data-test': 'progress',
	},
	h('div', { class: 'progress-fill', style: `width: ${value}%` }),
	h('span', { class: 'progress-text' }, `${value}%`));
}

/** A link to a task, showing its short id unless given a text; the title has the whole id. */
export function taskLink(id, text) {
	return h('a', { href: `#/tasks/${encodeURIComponent(id)}`, class: text ? null : 'mono', title: id }, text ?? shortId(id));
}

export function jobLink(id, text) {
	return h('a', { href: `#/jobs/${encodeURIComponent(id)}`, class: text ? null : 'mono', title: id }, text ?? shortId(id));
}

/**
 * The last 8 digits of a UUID: enough to tell tasks apart on one screen (the first ones are a
 * timestamp in time-ordered ids, the same for tasks created together).
 */
export function shortId(id) {
	return id ? id.slice(-8) : '—';
}

export function section(title, ...children) {
	return h('section', { class: 'card' }, h('h2', {}, title), ...children);
}

const dialog = () => document.getElementById('confirm-dialog');

/**
 * Asks the operator to confirm an action in a modal dialog.
 * @returns a promise of true when confirmed, false when dismissed
 */
export function confirmAction(message, confirmLabel) {
	const element = dialog();
	replace(document.getElementById('confirm-message'), message);
	replace(document.getElementById('confirm-ok'), confirmLabel);
	return new Promise((resolve) => {
		element.addEventListener('close', () => resolve(element.returnValue === 'ok'), { once: true });
		element.returnValue = '';
		element.showModal();
		document.getElementById('confirm-cancel').focus();
	});
}

/** Shows a message for the last action or error on the message line. */
export function flash(text, kind) {
	const line = document.getElementById('flash');
	line.className = `flash ${kind ?? 'info'}`;
	replace(line, text);
	line.hidden = false;
}

export function clearFlash() {
	const line = document.getElementById('flash');
	line.hidden = true;
	replace(line);
}

/**
 * Runs an action after confirmation and reports its outcome on the message line.
 * @param message the question in the dialog
 * @param label the confirm button's label
 * @param perform the call; resolves to the server's answer
 * @param describe turns that answer into the line shown
 * @param after what to do once it succeeded (usually a refresh)
 */
export async function confirmed(message, label, perform, describe, after) {
	if (!(await confirmAction(message, label))) {
		return;
	}
	try {
		const answer = await perform();
		flash(describe(answer), 'success');
		await after?.();
	}
	catch (ex) {
		flash(`${label} failed: ${ex.message}`, 'error');
	}
}

/**
 * A "first page / next page" pager for keyset paging, kept across refreshes (so that a focused
 * button stays focused) and told the next cursor after each one.
 */
export function pager(onFirst, onNext) {
	let next = null;
	const first = h('button', { type: 'button', id: 'first-page', disabled: true, onclick: () => onFirst() }, 'First page');
	const following = h('button', { type: 'button', id: 'next-page', disabled: true, onclick: () => onNext(next) }, 'Next page');
	return {
		element: h('nav', { class: 'pager', 'aria-label': 'Pages' }, first, following),
		update(cursor, isFirst) {
			next = cursor;
			first.disabled = isFirst;
			following.disabled = !cursor;
		},
	};
}

/** A definition list from [label, value] pairs. */
export function facts(pairs) {
	return h('dl', { class: 'facts' }, pairs.map(([label, value, test]) => [
		h('dt', {}, label),
		h('dd', { 'data-test': test }, value ?? '—'),
	]));
}
