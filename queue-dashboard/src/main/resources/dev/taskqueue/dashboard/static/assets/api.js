// The one client of the dashboard's JSON API. Calls are relative to the page's own URL, so
// the dashboard works under whatever path the server mounts it.

const BASE = new URL('api/', new URL('.', document.baseURI)).href;

/** An answer other than 2xx, with the server's message naming the culprit. */
export class ApiError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

function csrfToken() {
	const cookie = document.cookie.split(';').map((part) => part.trim()).find((part) => part.startsWith('XSRF-TOKEN='));
	return cookie ? decodeURIComponent(cookie.slice('XSRF-TOKEN='.length)) : null;
}

async function call(method, path, body) {
	const headers = { Accept: 'application/json' };
	if (method !== 'GET') {
		headers['Content-Type'] = 'application/json';
		const token = csrfToken();
		if (token) {
			headers['X-XSRF-TOKEN'] = token;
		}
	}
	const response = await fetch(BASE + path, {
		method,
		headers,
		body: (body !== undefined) ? JSON.stringify(body) : undefined,
		credentials: 'same-origin',
		cache: 'no-store',
	});
	const text = await response.text();
	let json = null;
	try {
		json = text ? JSON.parse(text) : null;
	}
	catch (ex) {
		json = null;
	}
	if (!response.ok) {
		const message = (json && json.error) ? json.error : `${response.status} ${response.statusText}`;
		throw new ApiError(response.status, message);
	}
	return json;
}

/** A query string from the entries whose values are set. */
export function query(params) {
	const search = new URLSearchParams();
	for (const [name, value] of Object.entries(params)) {
		if (value !== null && value !== undefined && value !== '') {
			search.set(name, value);
		}
	}
	const text = search.toString();
	return text ? `?${text}` : '';
}

export const api = {
	me: () => call('GET', 'me'),
	overview: () => call('GET', 'overview'),
	filters: () => call('GET', 'filters'),
	tasks: (params) => call('GET', `tasks${query(params)}`),
	task: (id) => call('GET', `tasks/${encodeURIComponent(id)}`),
	flow: (id) => call('GET', `tasks/${encodeURIComponent(id)}/flow`),
	jobs: (params) => call('GET', `jobs${query(params)}`),
	job: (id) => call('GET', `jobs/${encodeURIComponent(id)}`),
	audit: (params) => call('GET', `audit${query(params)}`),
	taskAction: (id, action) => call('POST', `tasks/${encodeURIComponent(id)}/${action}`),
	jobAction: (id, action) => call('POST', `jobs/${encodeURIComponent(id)}/${action}`),
	bulk: (body) => call('POST', 'tasks/bulk', body),
};
