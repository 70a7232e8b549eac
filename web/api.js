// Fetch helpers: JSON in, JSON out; a server error becomes an Error carrying its message and field.
export async function get(path, params = {}) {
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );
  const response = await fetch(`${path}${query.size ? `?${query}` : ''}`);
  return unwrap(response);
}

export async function post(path, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return unwrap(response);
}

async function unwrap(response) {
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) {
    const error = new Error(body.error ?? `HTTP ${response.status}`);
    error.field = body.field;
    error.status = response.status;
    throw error;
  }
  return body;
}
