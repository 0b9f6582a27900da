// Small JSON client for Ebb's HTTP API, shared by the expert panel and the admin console.
// Errors are RFC 9457 problem+json; they surface as ApiError with the server's detail.

/** An HTTP error with the problem document's fields. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** Calls `method path` with an optional bearer token and JSON body; resolves to the JSON reply. */
export async function call(method, path, { token, body } = {}) {
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let json = {};
  try { json = text ? JSON.parse(text) : {}; } catch { json = { detail: text }; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

/** Every item of a paginated list: `get(path)` resolves one page; follows `next_cursor`
 * (at most 1,000 pages) and returns the last page's body with all items under `key`. */
export async function everyPage(get, path, key) {
  const items = [];
  let res = await get(path);
  items.push(...res[key]);
  const sep = path.includes('?') ? '&' : '?';
  for (let n = 0; res.next_cursor && n < 1000; n += 1) {
    res = await get(`${path}${sep}cursor=${encodeURIComponent(res.next_cursor)}`);
    items.push(...res[key]);
  }
  return { ...res, [key]: items };
}

/** A new random id for idempotent message sends. */
export function clientId(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

/** Creates an element: `h('p', {class: 'x', text: 'hi'}, [children])`. Text only, never HTML. */
export function h(tag, attrs = {}, kids = []) {
  const n = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') n.textContent = v;
    else if (k.startsWith('on')) n.addEventListener(k.slice(2), v);
    else n.setAttribute(k, v === true ? '' : v);
  }
  for (const k of kids) if (k) n.append(k);
  return n;
}

/** "in 3 h", "2 d ago": a short relative time for `iso` against `now` (ms). */
export function relative(iso, now = Date.now()) {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  const units = [[86400000, 'd'], [3600000, 'h'], [60000, 'min']];
  let text = 'now';
  for (const [ms, unit] of units) {
    if (abs >= ms) { text = `${Math.round(abs / ms)} ${unit}`; break; }
  }
  if (text === 'now') return 'just now';
  return diff > 0 ? `in ${text}` : `${text} ago`;
}

/** A local date and time, e.g. "Tue 14:05". */
export function when(iso) {
  return new Date(iso).toLocaleString([], { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/**
 * Runs `fetch` (which fills `form` from the server) with the form's fields disabled, so
 * nothing typed before the answer arrives is overwritten by it and then saved as blank.
 */
export async function filling(form, fetch) {
  const fields = [...form.elements];
  for (const f of fields) f.disabled = true;
  try { return await fetch(); } finally { for (const f of fields) f.disabled = false; }
}
