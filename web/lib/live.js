// Live updates for the panel and console: a WebSocket to /ws, reconnected with backoff,
// with polling while it is down (and a slow safety poll while the socket is up).

/**
 * Starts live updates. `onEvent(event)` gets each server event; `poll()` refreshes over
 * HTTP. Returns an object with `send(message)` and `stop()`.
 */
export function live({ token, onEvent, poll, fastMs = 2000, slowMs = 15000 }) {
  let ws = null;
  let timer = 0;
  let stopped = false;
  let failures = 0;

  const schedule = () => {
    clearTimeout(timer);
    if (stopped) return;
    const open = ws && ws.readyState === WebSocket.OPEN;
    timer = setTimeout(async () => {
      try { await poll(); } catch { /* next round */ }
      schedule();
    }, open ? slowMs : fastMs);
  };

  const connect = () => {
    if (stopped || !('WebSocket' in window)) return;
    const url = `${location.origin.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`;
    let opened = false;
    try { ws = new WebSocket(url); } catch { failures += 1; return; }
    ws.onopen = () => { opened = true; failures = 0; poll().catch(() => {}); schedule(); };
    ws.onmessage = (m) => {
      let event;
      try { event = JSON.parse(m.data); } catch { return; }
      onEvent(event);
    };
    ws.onclose = () => {
      ws = null;
      if (!opened) failures += 1;
      schedule();
      if (!stopped) setTimeout(connect, opened ? 1000 : Math.min(30000, 1000 * 2 ** failures));
    };
  };

  connect();
  schedule();
  return {
    send(message) {
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
    },
    get connected() { return !!ws && ws.readyState === WebSocket.OPEN; },
    refresh() { return poll().catch(() => {}); },
    stop() { stopped = true; clearTimeout(timer); if (ws) ws.close(); },
  };
}
