// Data for the views: the server's JSON API, or, in a static bundle (medkit view --bundle), the same
// answers read from the bundle's data scripts. A server error becomes an Error with its message and field.
import { readBundle } from './bundle-data.js';

export class ApiError extends Error {
  field: string | undefined;
  status: number;
  constructor(message: string, status: number, field?: string) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

type Params = Record<string, string | number | undefined | null>;

/** True when the page was opened from a static bundle (no server: read-only). */
export const isBundle = () => typeof window !== 'undefined' && window.MEDKIT_BUNDLE !== undefined;

const clean = (params: Params) =>
  Object.fromEntries(
    Object.entries(params)
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([key, value]) => [key, String(value)]),
  );

export async function get(path: string, params: Params = {}): Promise<any> {
  if (isBundle()) return readBundle(path, clean(params));
  const query = new URLSearchParams(clean(params));
  const response = await fetch(`${path}${query.size ? `?${query}` : ''}`);
  return unwrap(response);
}

export async function post(path: string, body: unknown): Promise<any> {
  if (isBundle()) throw new ApiError('a static bundle is read-only: open the runs with medkit view to rate', 405);
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return unwrap(response);
}

async function unwrap(response: Response) {
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new ApiError(body.error ?? `HTTP ${response.status}`, response.status, body.field);
  return body;
}
