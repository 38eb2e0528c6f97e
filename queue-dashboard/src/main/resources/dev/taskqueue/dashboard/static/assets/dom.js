// Builds DOM nodes from data without ever parsing it as markup: text goes in as text nodes,
// attributes through setAttribute, so nothing from the server can inject elements or scripts.

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(element, attrs, children) {
	for (const [name, value] of Object.entries(attrs ?? {})) {
		if (value === null || value === undefined || value === false) {
			continue;
		}
		if (name.startsWith('on') && typeof value === 'function') {
			element.addEventListener(name.slice(2), value);
		}
		else if (name === 'dataset') {
			Object.assign(element.dataset, value);
		}
		else {
			element.setAttribute(name, (value === true) ? '' : String(value));
		}
	}
	append(element, children);
	return element;
}

function append(element, children) {
	for (const child of children.flat(Infinity)) {
		if (child === null || child === undefined || child === false) {
			continue;
		}
		element.append((child instanceof Node) ? child : document.createTextNode(String(child)));
	}
}

/** An HTML element: h('a', {href: '#/tasks'}, 'Tasks'). */
export function h(tag, attrs, ...children) {
	return build(document.createElement(tag), attrs, children);
}

/** An SVG element, built like h(). */
export function s(tag, attrs, ...children) {
	return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

/** Replaces the children of an element. */
export function replace(element, ...children) {
	element.replaceChildren();
	append(element, children);
	return element;
}

/**
 * Updates a list of keyed children in place: a child whose item did not change is kept as
 * it is (with its focus and checkbox state), the others are rendered anew, in item order.
 */
export function syncKeyed(container, items, keyOf, render) {
	const existing = new Map();
	for (const child of Array.from(container.children)) {
		existing.set(child.dataset.key, child);
	}
	let previous = null;
	for (const item of items) {
		const key = keyOf(item);
		const signature = JSON.stringify(item);
		let child = existing.get(key);
		existing.delete(key);
		if (!child || child.dataset.signature !== signature) {
			const fresh = render(item);
			fresh.dataset.key = key;
			fresh.dataset.signature = signature;
			if (child) {
				child.replaceWith(fresh);
			}
			child = fresh;
		}
		const expectedPosition = previous ? previous.nextElementSibling : container.firstElementChild;
		if (expectedPosition !== child) {
			container.insertBefore(child, expectedPosition);
		}
		previous = child;
	}
	for (const stale of existing.values()) {
		stale.remove();
	}
}
