// Shared view helpers. Elements come from Preact's h(): every string child becomes a text node,
// never HTML, so model output is shown as text. No caller passes model text to href or src.
import { type ComponentChildren, h } from 'preact';

export { h };

export function fmt(value: unknown, digits = 3): string {
  if (value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '–';
  if (typeof value !== 'number') return String(value);
  return Number.isInteger(value) && Math.abs(value) < 1e6 ? String(value) : value.toFixed(digits);
}

export interface Interval {
  value: number | null | undefined;
  lower?: number | null | undefined;
  upper?: number | null | undefined;
}

export function ci(metric: Interval | null | undefined): string {
  if (!metric) return '–';
  const interval =
    metric.lower !== null && metric.lower !== undefined ? ` [${fmt(metric.lower)}, ${fmt(metric.upper)}]` : '';
  return `${fmt(metric.value)}${interval}`;
}

type Params = Record<string, string | number | null | undefined>;

export function hashOf(route: string, params: Params = {}): string {
  const query = new URLSearchParams(
    Object.entries(params)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([key, value]) => [key, String(value)]),
  ).toString();
  return `#/${route}${query ? `?${query}` : ''}`;
}

/** '#/route?x=1' link. */
export function link(route: string, params: Params, ...children: ComponentChildren[]) {
  return h('a', { href: hashOf(route, params) }, ...children);
}

/** Goes to '#/route?params'. */
export function navigate(route: string, params: Params = {}): void {
  location.hash = hashOf(route, params);
}

export function json(value: unknown) {
  return h('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}

export function errorBox(error: unknown) {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}

/** A run's state as a class: green only for a complete run with no failed unit. */
export function statusClass(status: string, errors: number | null | undefined): string {
  if (status === 'failed') return 'bad';
  if (status === 'complete') return errors ? 'warn' : 'ok';
  return 'warn'; // interrupted, running
}

export function statusText(status: string, errors: number | null | undefined): string {
  return errors ? `${status} · ${errors} error${errors === 1 ? '' : 's'}` : status;
}

export function modelsText(models: Record<string, string>): string {
  return Object.entries(models)
    .map(([role, model]) => `${role}=${model}`)
    .join(' ');
}

/** A run path with break opportunities before each '/', so a long name wraps at its parts. */
export function breakable(name: string) {
  return name.split('/').flatMap((part, index) => (index ? [h('wbr', {}), `/${part}`] : [part]));
}
