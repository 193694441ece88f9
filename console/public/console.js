// Shared by every page: the CSRF header on every state-changing request, and small helpers the wizards use.
const csrf = document.querySelector('meta[name="byos-csrf"]')?.getAttribute('content') ?? '';

/** fetch with the console's CSRF header; a non-2xx answer throws an Error carrying the server's one-line message. */
export async function send(url, { method = 'POST', json, body, headers = {} } = {}) {
  const init = { method, headers: { 'x-byos-csrf': csrf, ...headers }, credentials: 'same-origin' };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['content-type'] = 'application/json';
  } else if (body !== undefined) init.body = body;
  const response = await fetch(url, init);
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('application/json') ? await response.json() : await response.text();
  if (!response.ok) {
    const error = new Error(typeof data === 'string' ? data : (data.error ?? response.statusText));
    error.data = data; // the whole answer (suggestions, findings) for pages that show more than the message
    throw error;
  }
  return data;
}

/** Follows a job's server-sent events: onEvent for each (progress, then done or failed). Returns a close function. */
export function follow(jobId, onEvent) {
  const source = new EventSource(`/jobs/${encodeURIComponent(jobId)}/events`);
  for (const type of ['progress', 'done', 'failed']) {
    source.addEventListener(type, (e) => {
      onEvent(JSON.parse(e.data));
      if (type !== 'progress') source.close();
    });
  }
  return () => source.close();
}

/** Text into an element, never markup: names from databases go through here. */
export function setText(element, text) {
  element.textContent = text;
}

/** An element with text children only. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children.flat()) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}
