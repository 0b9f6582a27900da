/* Ebb visitor widget. Embed with:
 *   <script src="https://ebb.example/widget.js" data-brand="your-brand" async></script>
 * Everything lives in a shadow root, so the host page's styles and scripts stay apart.
 * Message text is only ever set through textContent: never parsed as HTML. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || window.__ebbWidget) return;
  window.__ebbWidget = true;
  var brand = script.getAttribute('data-brand') || 'demo';
  var base = new URL(script.src, location.href).origin;
  var api = base + '/api/v1/widget/' + encodeURIComponent(brand);
  var key = 'ebb:' + brand + ':';
  var store = {
    get: function (k) { try { return localStorage.getItem(key + k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(key + k, v); } catch (e) { /* private mode */ } },
    del: function (k) { try { localStorage.removeItem(key + k); } catch (e) { /* private mode */ } }
  };

  var s = {
    token: store.get('token'), conv: store.get('conv'), name: 'Support',
    seq: 0, seen: +store.get('seen') || 0, open: false, status: null,
    entries: [], ws: null, pollTimer: 0, typingTimer: 0, readUpTo: 0, pending: {}
  };

  // ---- DOM ----------------------------------------------------------------------------
  var host = document.createElement('div');
  host.id = 'ebb-widget';
  host.style.cssText = 'position:fixed;z-index:2147483000;bottom:0;right:0;visibility:hidden';
  var root = host.attachShadow({ mode: 'open' });
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var a in attrs || {}) {
      if (a === 'text') n.textContent = attrs[a];
      else if (a.slice(0, 2) === 'on') n.addEventListener(a.slice(2), attrs[a]);
      else n.setAttribute(a, attrs[a]);
    }
    (kids || []).forEach(function (k) { if (k) n.appendChild(k); });
    return n;
  }
  var css = el('link', { rel: 'stylesheet', href: base + '/widget.css' });
  css.addEventListener('load', function () { host.style.visibility = ''; });
  var badge = el('span', { class: 'badge', hidden: '' });
  var launcher = el('button', {
    class: 'launcher', type: 'button', 'aria-expanded': 'false', 'aria-controls': 'ebb-panel',
    'aria-label': 'Open messages', onclick: function () { toggle(!s.open); }
  }, [el('span', { class: 'icon', 'aria-hidden': 'true' }), badge]);
  var title = el('h2', { id: 'ebb-title', text: 'Messages' });
  var sub = el('p', { class: 'sub', text: 'Write any time: we answer even if you leave.' });
  var log = el('ol', { class: 'log', 'aria-live': 'polite', 'aria-label': 'Conversation', tabindex: '0' });
  var typing = el('p', { class: 'typing', 'aria-live': 'polite' });
  var input = el('textarea', {
    id: 'ebb-input', rows: '2', maxlength: '4000', placeholder: 'Write a message…',
    onkeydown: function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } },
    oninput: sendTyping
  });
  var sendBtn = el('button', { type: 'submit', class: 'send', text: 'Send' });
  var error = el('p', { class: 'error', role: 'alert' });
  var form = el('form', { class: 'composer', onsubmit: function (e) { e.preventDefault(); send(); } }, [
    el('label', { for: 'ebb-input', class: 'sr', text: 'Your message' }), input, sendBtn
  ]);
  var surveyBox = el('div', { class: 'survey-box' });
  var panel = el('section', {
    id: 'ebb-panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'ebb-title', hidden: '',
    onkeydown: function (e) { if (e.key === 'Escape') toggle(false); }
  }, [
    el('header', { role: 'none' }, [
      el('div', {}, [title, sub]),
      el('button', { type: 'button', class: 'close', 'aria-label': 'Minimise messages', text: '×', onclick: function () { toggle(false); } })
    ]),
    log, typing, surveyBox, error, form
  ]);
  root.append(css, panel, launcher);

  function buildSurvey() {
    var rating = el('fieldset', { class: 'stars' }, [el('legend', { text: 'How did we do? (1 = poor, 5 = great)' })]);
    for (var i = 1; i <= 5; i++) {
      var id = 'ebb-r' + i;
      rating.append(el('input', { type: 'radio', name: 'rating', id: id, value: String(i), required: '' }),
        el('label', { for: id, text: String(i) }));
    }
    var f = el('form', { class: 'survey', 'aria-label': 'Survey' }, [
      el('p', { class: 'survey-intro', text: 'This conversation has ended. Tell us how it went?' }),
      rating,
      el('label', { for: 'ebb-comment', text: 'Anything to add? (optional)' }),
      el('textarea', { id: 'ebb-comment', name: 'comment', rows: '2', maxlength: '2000' }),
      el('button', { type: 'submit', class: 'send', text: 'Send feedback' })
    ]);
    var fail = el('p', { class: 'error', role: 'alert' });
    f.append(fail);
    f.addEventListener('submit', function (e) {
      e.preventDefault();
      var data = new FormData(f);
      var body = { rating: +data.get('rating') };
      var comment = String(data.get('comment') || '').trim();
      if (comment) body.comment = comment;
      var conv = s.conv;
      var btn = f.querySelector('button');
      btn.disabled = true;
      fail.textContent = '';
      call('POST', '/conversations/' + conv + '/csat', body).then(function () {
        done('Thank you, that helps us a lot.');
      }, function (err) {
        btn.disabled = false;
        if (err.status === 409 && s.status === 'closed') done('You have already rated this conversation. Thank you!');
        else fail.textContent = 'Your rating could not be sent (' + err.message + '). Please try again.';
      });
      function done(text) {
        store.set('survey:' + conv, '1');
        f.replaceChildren(el('p', { class: 'thanks', role: 'status', text: text }));
      }
    });
    return f;
  }

  // ---- API ----------------------------------------------------------------------------
  function call(method, path, body) {
    var headers = { 'content-type': 'application/json' };
    if (s.token) headers.authorization = 'Bearer ' + s.token;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) { var err = new Error(j.detail || j.title || 'HTTP ' + r.status); err.status = r.status; throw err; }
          return j;
        });
      });
  }
  function ensureVisitor() {
    if (s.token) return Promise.resolve();
    return call('POST', '/visitors').then(function (v) { s.token = v.token; store.set('token', v.token); });
  }

  // ---- Timeline -----------------------------------------------------------------------
  function apply(data) {
    if (!data) return;
    if (data.conversation) {
      if (s.conv !== data.conversation.id) {
        // A new (or follow-up) conversation: start its timeline afresh, keep unsent messages.
        if (s.conv) {
          s.seq = 0; s.entries = []; s.readUpTo = 0; s.seen = 0; store.set('seen', '0');
          surveyBox.replaceChildren();
          log.replaceChildren.apply(log, Object.keys(s.pending).map(function (k) { return s.pending[k]; }));
        }
        s.conv = data.conversation.id;
        store.set('conv', s.conv);
      }
      s.status = data.conversation.state.status;
    }
    if (data.read) s.readUpTo = Math.max(s.readUpTo, data.read.expert || 0);
    (data.entries || []).forEach(addEntry);
    render();
  }
  function addEntry(e) {
    if (e.seq <= s.seq) return;
    s.seq = e.seq;
    s.entries.push(e);
    if (e.type === 'closed') s.status = 'closed';
    if (e.type === 'snoozed' || e.type === 'woken' || e.type === 'assigned') return;
    var who = e.type === 'message' ? e.author.kind : 'system';
    var li = el('li', { class: 'msg ' + who, 'data-seq': String(e.seq) });
    if (e.type === 'message') {
      var label = who === 'visitor' ? 'You' : who === 'expert' ? s.name : s.name + ' (automatic)';
      li.append(el('span', { class: 'who', text: label }), el('p', { class: 'body', text: e.body }));
      if (e.client_msg_id && s.pending[e.client_msg_id]) {
        s.pending[e.client_msg_id].remove();
        delete s.pending[e.client_msg_id];
      }
      if (who === 'expert') typing.textContent = '';
    } else if (e.type === 'closed') {
      li.append(el('p', { class: 'body', text: 'The conversation was closed. You can still write to start a new one.' }));
    } else {
      return;
    }
    li.append(el('time', { datetime: e.at, text: new Date(e.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) }));
    log.append(li);
  }
  function unread() {
    return s.entries.filter(function (e) { return e.seq > s.seen && e.type === 'message' && e.author.kind === 'expert'; }).length;
  }
  function render() {
    if (s.open && s.seq > s.seen) { s.seen = s.seq; store.set('seen', String(s.seen)); markRead(); }
    var n = unread();
    badge.hidden = n === 0;
    badge.textContent = n > 9 ? '9+' : String(n);
    launcher.setAttribute('aria-label', n ? 'Open messages, ' + n + ' unread' : (s.open ? 'Close messages' : 'Open messages'));
    var closed = s.status === 'closed';
    if (!closed) surveyBox.replaceChildren();
    else if (!surveyBox.firstChild && !store.get('survey:' + s.conv)) surveyBox.append(buildSurvey());
    var last = s.entries.filter(function (e) { return e.type === 'message' && e.author.kind === 'visitor'; }).pop();
    var seenMark = log.querySelector('.seen');
    if (seenMark) seenMark.remove();
    if (last && s.readUpTo >= last.seq) {
      var li = log.querySelector('[data-seq="' + last.seq + '"]');
      if (li) li.append(el('span', { class: 'seen', text: 'Seen' }));
    }
    if (s.open) log.lastElementChild && log.lastElementChild.scrollIntoView({ block: 'end' });
  }
  function toggle(open) {
    s.open = open;
    panel.hidden = !open;
    launcher.setAttribute('aria-expanded', String(open));
    launcher.classList.toggle('active', open);
    if (open) { input.focus(); render(); connect(); } else { launcher.focus(); render(); }
  }

  // ---- Sending ------------------------------------------------------------------------
  function send() {
    var text = input.value.trim();
    if (!text) return;
    var id = 'w' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var li = el('li', { class: 'msg visitor pending' }, [
      el('span', { class: 'who', text: 'You' }), el('p', { class: 'body', text: text }), el('span', { class: 'state', text: 'Sending…' })
    ]);
    s.pending[id] = li;
    log.append(li);
    input.value = '';
    error.textContent = '';
    if (s.conv) { wsSend({ type: 'typing', conversation: s.conv, typing: false }); lastTyping = 0; }
    // Writing to a closed conversation starts a linked follow-up: the reply names it.
    var fresh = !s.conv;
    ensureVisitor().then(function () {
      return fresh ? call('POST', '/conversations', { body: text, client_msg_id: id })
        : call('POST', '/conversations/' + s.conv + '/messages', { body: text, client_msg_id: id });
    }).then(function (data) {
      apply(data);
      connect();
    }).catch(function (err) {
      li.remove();
      delete s.pending[id];
      input.value = text;
      error.textContent = 'Your message could not be sent (' + err.message + '). Please try again.';
    });
  }

  // ---- Live updates: WebSocket, polling while it is down ----------------------------------
  function fetchNew() {
    if (!s.conv || !s.token) return Promise.resolve();
    return call('GET', '/conversations/' + s.conv + '?after_seq=' + s.seq).then(apply).catch(function (err) {
      if (err.status === 401 || err.status === 404) { s.conv = null; store.del('conv'); }
    });
  }
  function schedulePoll() {
    clearTimeout(s.pollTimer);
    if (s.ws && s.ws.readyState === 1) return;
    s.pollTimer = setTimeout(function () { fetchNew().then(schedulePoll); }, s.open ? 2000 : 6000);
  }
  function wsSend(msg) { if (s.ws && s.ws.readyState === 1) s.ws.send(JSON.stringify(msg)); }
  function connect() {
    if (!s.token || !s.conv) return;
    if (!window.WebSocket || s.ws) { schedulePoll(); return; }
    var url = base.replace(/^http/, 'ws') + '/ws?token=' + encodeURIComponent(s.token) + '&brand=' + encodeURIComponent(brand);
    var ws = new WebSocket(url);
    var opened = false;
    s.ws = ws;
    ws.onopen = function () {
      opened = true;
      clearTimeout(s.pollTimer);
      var resume = {};
      resume[s.conv] = s.seq;
      wsSend({ type: 'resume', conversations: resume });
      fetchNew();
    };
    ws.onmessage = function (m) {
      var ev;
      try { ev = JSON.parse(m.data); } catch (e) { return; }
      if (ev.type === 'entry' && ev.entry && ev.conversation === s.conv) apply({ entries: [ev.entry] });
      else if (ev.type === 'conversation' && ev.conversation && ev.conversation.id === s.conv) apply({ conversation: ev.conversation });
      else if (ev.type === 'typing' && ev.conversation === s.conv && ev.from === 'expert') showTyping(ev.typing);
      else if (ev.type === 'read' && ev.conversation === s.conv && ev.by === 'expert') { s.readUpTo = Math.max(s.readUpTo, ev.seq); render(); }
    };
    ws.onclose = function () {
      s.ws = null;
      // Poll while down; reconnect with backoff (3 s after a drop, up to 30 s after failures).
      s.wsFailures = opened ? 0 : (s.wsFailures || 0) + 1;
      fetchNew().then(schedulePoll);
      setTimeout(connect, Math.min(30000, 3000 * Math.pow(2, s.wsFailures)));
    };
  }
  function showTyping(on) {
    clearTimeout(s.typingTimer);
    typing.textContent = on ? s.name + ' is typing…' : '';
    if (on) s.typingTimer = setTimeout(function () { typing.textContent = ''; }, 6000);
  }
  var lastTyping = 0;
  function sendTyping() {
    if (!s.conv || Date.now() - lastTyping < 2500) return;
    lastTyping = Date.now();
    wsSend({ type: 'typing', conversation: s.conv, typing: true });
  }
  function markRead() {
    if (!s.conv || !s.seq) return;
    if (s.ws && s.ws.readyState === 1) wsSend({ type: 'read', conversation: s.conv, seq: s.seq });
    else call('POST', '/conversations/' + s.conv + '/read', { seq: s.seq }).catch(function () { /* the next read marker catches up */ });
  }
  document.addEventListener('visibilitychange', function () { if (!document.hidden) fetchNew(); });

  // ---- Page API: window.Ebb.purchase({orderId, amountMinor, currency}) ----------------
  window.Ebb = window.Ebb || {};
  window.Ebb.purchase = function (p) {
    p = p || {};
    return ensureVisitor().then(function () {
      return call('POST', '/purchases', { order_id: String(p.orderId), amount_minor: p.amountMinor, currency: p.currency });
    });
  };

  // ---- Start --------------------------------------------------------------------------
  function mount() {
    document.body.appendChild(host);
    fetch(api).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
      if (!b) return;
      s.name = b.name;
      title.textContent = b.name;
      var back = b.hours && !b.hours.open && b.hours.back_at_text;
      sub.textContent = back
        ? back + '. Leave your message now and we will answer when we are back.'
        : 'Typically replies in ' + b.typical_reply_time + '. Write any time: you can leave and come back.';
    }).catch(function () { /* keep the defaults */ });
    if (s.token && s.conv) fetchNew().then(connect);
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
