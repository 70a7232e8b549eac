// DOM helpers. Every string child becomes a text node (textContent), never HTML: model output is
// shown as text. Attributes are set one by one; no caller passes model text to href or src.
const SVG_NS = 'http://www.w3.org/2000/svg';

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

function setAttributes(element, attributes) {
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'style' && typeof value === 'object')
      Object.assign(element.style, value); // CSSOM: allowed by the CSP
    else if (name === 'value') element.value = value;
    else if (name === 'checked' || name === 'selected' || name === 'disabled') element[name] = Boolean(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
}

/** h('tr', {class: 'x'}, 'text', child...) */
export function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function s(tag, attributes, ...children) {
  const element = document.createElementNS(SVG_NS, tag);
  setAttributes(element, attributes);
  append(element, children);
  return element;
}

export function mount(target, ...children) {
  target.replaceChildren();
  append(target, children);
}

export function fmt(value, digits = 3) {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) && Math.abs(value) < 1e6 ? String(value) : value.toFixed(digits);
}

export function ci(metric) {
  if (!metric) return '–';
  const interval =
    metric.lower !== null && metric.lower !== undefined ? ` [${fmt(metric.lower)}, ${fmt(metric.upper)}]` : '';
  return `${fmt(metric.value)}${interval}`;
}

/** '#/route?x=1' link. */
export function link(route, params, ...children) {
  const query = new URLSearchParams(
    Object.entries(params ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const text = query.toString();
  return h('a', { href: `#/${route}${text ? `?${text}` : ''}` }, ...children);
}

export function json(value) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function errorBox(error) {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

/** Goes to '#/route?params'. */
export function navigate(route, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const text = query.toString();
  location.hash = `#/${route}${text ? `?${text}` : ''}`;
}
