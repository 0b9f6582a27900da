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

  var L = {};
  var s = {
    token: store.get('token'), conv: store.get('conv'), name: 'Support',
    seq: 0, seen: +store.get('seen') || 0, open: false, status: null,
    entries: [], ws: null, pollTimer: 0, typingTimer: 0, readUpTo: 0, pending: {},
    lang: '', max: Infinity, greeting: '', people: {}
  };

  // ---- DOM ----------------------------------------------------------------------------
  var host = document.createElement('div');
  host.id = 'ebb-widget';
  host.style.cssText = 'position:fixed;z-index:2147483000;bottom:0;right:0;visibility:hidden';
  var root = host.attachShadow({ mode: 'open' });
  function el(tag, attrs, kids) {
    var n = document.createElement(tag);
    for (var a in attrs || {}) {
      if (attrs[a] instanceof String) { n._t = n._t || {}; n._t[a] = String(attrs[a]); attrs[a] = t(attrs[a]); }
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
    'aria-label': tr('Open messages'), onclick: function () { toggle(!s.open); }
  }, [el('span', { class: 'icon', 'aria-hidden': 'true' }), badge]);
  var title = el('h2', { id: 'ebb-title', text: tr('Messages') });
  var sub = el('p', { class: 'sub', text: tr('Write any time: we answer even if you leave.') });
  var log = el('ol', { class: 'log', 'aria-live': 'polite', 'aria-label': tr('Conversation') });
  var typing = el('p', { class: 'typing', 'aria-live': 'polite' });
  var input = el('textarea', {
    id: 'ebb-input', rows: '2', 'aria-describedby': 'ebb-count', placeholder: tr('Write a message…'),
    onkeydown: function (e) { if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); send(); } },
    oninput: function () { sendTyping(); showCount(); }
  });
  var sendBtn = el('button', { type: 'submit', class: 'send', text: tr('Send') });
  var error = el('p', { class: 'error', role: 'alert' });
  var count = el('p', { class: 'count', id: 'ebb-count', 'aria-live': 'polite', hidden: '' });
  var earlier = el('div', { class: 'earlier' });
  var greet = el('p', { class: 'greeting', hidden: '' });
  // The snooze promise, worded by the server in the visitor's language ("Ada will get back to you by ...").
  var promised = el('p', { class: 'promise', role: 'status', hidden: '' });
  var form = el('form', { class: 'composer', onsubmit: function (e) { e.preventDefault(); send(); } }, [
    el('label', { for: 'ebb-input', class: 'sr', text: tr('Your message') }), input, sendBtn
  ]);
  var surveyBox = el('div', { class: 'survey-box' });
  var transcriptBtn = el('button', {
    type: 'button', class: 'transcript', text: tr('Download transcript'), hidden: '', onclick: downloadTranscript
  });
  // Follow-up by email: the address (only this visitor sees it) and the brand's consent text.
  var emailInput = el('input', { id: 'ebb-email', type: 'email', autocomplete: 'email', 'aria-describedby': 'ebb-consent' });
  var consent = el('p', { class: 'consent', id: 'ebb-consent' });
  var emailForm = el('form', { class: 'email', hidden: '', onsubmit: function (e) { e.preventDefault(); saveEmail(); } }, [
    el('label', { for: 'ebb-email', text: tr('Get our replies by email') }), emailInput,
    el('button', { type: 'submit', class: 'save', text: tr('Save') }), consent
  ]);
  var mailBtn = el('button', { type: 'button', class: 'transcript', text: tr('Email me this transcript'), hidden: '', onclick: mailTranscript });
  var note = el('p', { class: 'note', role: 'status' });
  var panel = el('section', {
    id: 'ebb-panel', class: 'panel', role: 'dialog', 'aria-labelledby': 'ebb-title', hidden: '',
    onkeydown: function (e) { if (e.key === 'Escape') toggle(false); }
  }, [
    el('header', { role: 'none' }, [
      el('div', {}, [title, sub]),
      el('button', { type: 'button', class: 'close', 'aria-label': tr('Minimise messages'), text: '×', onclick: function () { toggle(false); } })
    ]),
    el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': tr('Messages') }, [earlier, greet, log]),
    promised, typing, surveyBox, count, error, form, emailForm, transcriptBtn, mailBtn, note
  ]);
  root.append(css, panel, launcher);

  function buildSurvey() {
    var rating = el('fieldset', { class: 'stars' }, [el('legend', { text: tr('How did we do? (1 = poor, 5 = great)') })]);
    for (var i = 1; i <= 5; i++) {
      var id = 'ebb-r' + i;
      rating.append(el('input', { type: 'radio', name: 'rating', id: id, value: String(i), required: '' }),
        el('label', { for: id, text: String(i) }));
    }
    var f = el('form', { class: 'survey', 'aria-label': tr('Survey') }, [
      el('p', { class: 'survey-intro', text: tr('This conversation has ended. Tell us how it went?') }),
      rating,
      el('label', { for: 'ebb-comment', text: tr('Anything to add? (optional)') }),
      el('textarea', { id: 'ebb-comment', name: 'comment', rows: '2', maxlength: '2000' }),
      el('button', { type: 'submit', class: 'send', text: tr('Send feedback') })
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
        done(t('Thank you, that helps us a lot.'));
      }, function (err) {
        btn.disabled = false;
        if (err.status === 409 && s.status === 'closed') done(t('You have already rated this conversation. Thank you!'));
        else fail.textContent = t('Your rating could not be sent ({error}). Please try again.', { error: err.message });
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
    if (s.lang) headers['accept-language'] = s.lang;
    return fetch(api + path, { method: method, headers: headers, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.json().catch(function () { return {}; }).then(function (j) {
          if (!r.ok) { var err = new Error(j.detail || j.title || 'HTTP ' + r.status); err.status = r.status; throw err; }
          return j;
        });
      });
  }
  // The visitor's own transcript (plain text, their messages and the replies only).
  function downloadTranscript() {
    if (!s.conv || !s.token) return;
    fetch(api + '/conversations/' + s.conv + '/transcript', { headers: { authorization: 'Bearer ' + s.token } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.blob();
      })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var a = el('a', { href: url, download: 'transcript.txt' });
        root.append(a);
        a.click();
        a.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      })
      .catch(function (err) { error.textContent = 'Transcript not available: ' + err.message; });
  }
  // Signed identity (docs/widget.md): the page passes the customer id its server signed.
  var who = { id: script.getAttribute('data-customer-id') || '', hash: script.getAttribute('data-customer-hash') || '' };
  var identified = null;
  function loadEmail() {
    if (!s.token) return Promise.resolve();
    return call('GET', '/email').then(function (v) {
      s.ask = v.ask; s.email = v.email || ''; s.showEmail = v.show; consent.textContent = v.consent;
      if (root.activeElement !== emailInput) emailInput.value = s.email;
      render();
    }).catch(function () { /* the field is a convenience */ });
  }
  function saveEmail() {
    var v = emailInput.value.trim();
    ensureVisitor().then(function () { return call('PUT', '/email', { email: v || null }); }).then(function (r) {
      s.email = r.email || '';
      note.textContent = s.email ? t('We will email the replies you miss to {email}.', { email: s.email }) : t('We will not email you.');
      render();
    }, function (err) { note.textContent = t('This email address could not be saved ({error}).', { error: err.message }); });
  }
  function mailTranscript() {
    call('POST', '/conversations/' + s.conv + '/transcript/email').then(function () {
      note.textContent = t('The transcript is on its way to {email}.', { email: s.email });
    }, function (err) { note.textContent = t('The transcript could not be sent ({error}).', { error: err.message }); });
  }
  // A reopen link from a follow-up email (#ebb-resume=...): a session of that visitor here.
  function resume() {
    var m = /[#&]ebb-resume=([\w-]+)/.exec(location.hash);
    if (!m) return Promise.resolve();
    history.replaceState(null, '', location.pathname + location.search);
    return call('POST', '/resume', { token: m[1] }).then(function (r) {
      s.token = r.token; store.set('token', r.token);
      s.conv = r.conversation_id; store.set('conv', s.conv);
      toggle(true);
    }, function (err) {
      toggle(true);
      error.textContent = t('This link could not open your conversation ({error}).', { error: err.message });
    });
  }
  function ensureVisitor() {
    var mine = store.get('customer') || '';
    if (who.id && who.id !== mine) return identify(mine);
    if (s.token) return Promise.resolve();
    return call('POST', '/visitors').then(function (v) { s.token = v.token; store.set('token', v.token); reportContext(); });
  }
  // A browser that was anonymous sends its token, so its conversations join the customer's;
  // one signed in as someone else starts afresh. A bad signature gets an anonymous visitor.
  function identify(mine) {
    if (identified) return identified;
    if (mine) forget();
    identified = call('POST', '/identity', { customer_id: who.id, customer_hash: who.hash }).then(function (v) {
      s.token = v.token; store.set('token', v.token); store.set('customer', who.id);
      return call('GET', '/conversations?limit=1');
    }).then(function (list) {
      if (list.conversations[0]) apply({ conversation: list.conversations[0] });
      identified = null;
      reportContext();
    }, function (err) { identified = null; throw err; });
    return identified;
  }

  // ---- Context: the page the visitor is on, told to the team (on load and navigation) ----
  var lastContext = '';
  function bounded(url) {
    if (!/^https?:/i.test(url || '')) return '';
    if (url.length <= 2048) return url;
    try { var u = new URL(url); return (u.origin + u.pathname).slice(0, 2048); } catch (e) { return ''; }
  }
  function reportContext() {
    if (!s.token) return;
    var zone = '';
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ''; } catch (e) { /* no Intl */ }
    var body = {
      page_url: bounded(location.href), page_title: String(document.title || '').slice(0, 300).replace(/[\u0000-\u001f\u007f]/g, ' '),
      referrer: bounded(document.referrer), language: String(navigator.language || '').slice(0, 35), time_zone: zone.slice(0, 64)
    };
    var text = JSON.stringify(body);
    if (!body.page_url || text === lastContext) return;
    lastContext = text;
    call('POST', '/context', body).catch(function () { /* told again on the next page change */ });
  }
  // Single-page shops change the page without loading: look again now and then.
  window.addEventListener('popstate', reportContext);
  window.addEventListener('hashchange', reportContext);
  setInterval(reportContext, 3000);

  // ---- Timeline -----------------------------------------------------------------------
  function apply(data) {
    if (!data) return;
    if (data.conversation) {
      if (s.conv !== data.conversation.id) {
        // A new (or follow-up) conversation: start its timeline afresh, keep unsent messages.
        if (s.conv) {
          s.seq = 0; s.entries = []; s.readUpTo = 0; s.seen = 0; store.set('seen', '0'); promise(null);
          loadHistory();
          surveyBox.replaceChildren();
          log.replaceChildren.apply(log, Object.keys(s.pending).map(function (k) { return s.pending[k]; }));
        }
        s.conv = data.conversation.id;
        store.set('conv', s.conv);
      }
      s.status = data.conversation.state.status;
    }
    if (data.read) { s.readUpTo = Math.max(s.readUpTo, data.read.expert || 0); promise(data.promise); }
    (data.entries || []).forEach(addEntry);
    render();
  }
  function addEntry(e) {
    if (e.seq <= s.seq) return;
    s.seq = e.seq;
    s.entries.push(e);
    if (e.type === 'closed') s.status = 'closed';
    if (e.type === 'snoozed' || e.type === 'woken' || e.type === 'assigned') return;
    var li = entryItem(e);
    if (!li) return;
    if (e.type === 'message') {
      if (e.client_msg_id && s.pending[e.client_msg_id]) {
        s.pending[e.client_msg_id].remove();
        delete s.pending[e.client_msg_id];
      }
      if (e.author.kind === 'expert') { typing.textContent = ''; s.answerer = e.author.id; }
    }
    log.append(li);
    greet.hidden = true;
  }
  function unread() {
    return s.entries.filter(function (e) { return e.seq > s.seen && e.type === 'message' && e.author.kind === 'expert'; }).length;
  }
  function render() {
    if (s.open && s.seq > s.seen) { s.seen = s.seq; store.set('seen', String(s.seen)); markRead(); }
    var n = unread();
    badge.hidden = n === 0;
    badge.textContent = n > 9 ? '9+' : String(n);
    launcher.setAttribute('aria-label', n ? t('Open messages, {n} unread', { n: n }) : t(s.open ? 'Close messages' : 'Open messages'));
    transcriptBtn.hidden = !s.conv;
    emailForm.hidden = !s.showEmail;
    mailBtn.hidden = !(s.conv && s.email);
    var closed = s.status === 'closed';
    if (!closed) surveyBox.replaceChildren();
    else if (!surveyBox.firstChild && !store.get('survey:' + s.conv)) surveyBox.append(buildSurvey());
    var last = s.entries.filter(function (e) { return e.type === 'message' && e.author.kind === 'visitor'; }).pop();
    var seenMark = log.querySelector('.seen');
    if (seenMark) seenMark.remove();
    if (last && s.readUpTo >= last.seq) {
      var li = log.querySelector('[data-seq="' + last.seq + '"]');
      if (li) li.append(el('span', { class: 'seen', text: tr('Seen') }));
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
    if (!text || tooLong(text)) return;
    reportContext();
    var id = 'w' + Date.now().toString(36) + Math.random().toString(36).slice(2, 8);
    var li = el('li', { class: 'msg visitor pending' }, [
      el('span', { class: 'who', text: tr('You') }), el('p', { class: 'body', text: text }), el('span', { class: 'state', text: tr('Sending…') })
    ]);
    s.pending[id] = li;
    log.append(li);
    input.value = '';
    showCount();
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
      if (fresh) loadEmail();
    }).catch(function (err) {
      li.remove();
      delete s.pending[id];
      input.value = text;
      error.textContent = t('Your message could not be sent ({error}). Please try again.', { error: err.message });
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
      else if (ev.type === 'promise' && ev.conversation === s.conv) promise(ev.promise);
    };
    ws.onclose = function () {
      s.ws = null;
      // Poll while down; reconnect with backoff (3 s after a drop, up to 30 s after failures).
      s.wsFailures = opened ? 0 : (s.wsFailures || 0) + 1;
      fetchNew().then(schedulePoll);
      setTimeout(connect, Math.min(30000, 3000 * Math.pow(2, s.wsFailures)));
    };
  }
  function promise(p) { promised.textContent = p ? p.text : ''; promised.hidden = !p; }
  function showTyping(on) {
    clearTimeout(s.typingTimer);
    typing.textContent = on ? t('{name} is typing…', { name: nameOf(s.answerer) }) : '';
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
  // Ebb.identify({customerId, customerHash}) after a login; Ebb.logout() forgets the visitor.
  window.Ebb.identify = function (p) {
    who = { id: String(p.customerId || ''), hash: String(p.customerHash || '') };
    return ensureVisitor().then(function () { loadHistory(); return fetchNew().then(connect); });
  };
  window.Ebb.logout = function () { who = { id: '', hash: '' }; forget(); };
  // Drops the visitor this browser held (another customer's, or a logout); unsent messages stay.
  function forget() {
    ['token', 'conv', 'customer', 'seen'].forEach(store.del);
    if (s.ws) { s.ws.onclose = null; s.ws.close(); s.ws = null; }
    s.token = s.conv = null; s.seq = s.seen = 0; s.entries = [];
    log.replaceChildren.apply(log, Object.keys(s.pending).map(function (k) { return s.pending[k]; }));
    earlier.replaceChildren(); surveyBox.replaceChildren(); greet.hidden = !greet.textContent; promise(null);
    render();
  }
  window.Ebb.purchase = function (p) {
    p = p || {};
    return ensureVisitor().then(function () {
      return call('POST', '/purchases', { order_id: String(p.orderId), amount_minor: p.amountMinor, currency: p.currency });
    });
  };

  // ---- Languages, dates, who answers, earlier conversations, message length ----------
  // Texts are English source strings; the brand config carries the catalog of the chosen
  // language (web/widget/locales/*.json). tr() marks a text for el() to translate and
  // relabel() to redo once the catalog arrives; t() translates now.
  function t(key, args) {
    return String(L[key] || key).replace(/\{(\w+)\}/g, function (m, k) { return args && k in args ? args[k] : m; });
  }
  function tr(key) { return Object(String(key)); }
  function relabel() {
    root.querySelectorAll('*').forEach(function (n) {
      for (var a in n._t || {}) { if (a === 'text') n.textContent = t(n._t[a]); else n.setAttribute(a, t(n._t[a])); }
    });
  }
  function configure(b) {
    if (!b) return;
    s.name = b.name; s.lang = b.locale; s.max = b.max_message_chars || Infinity; L = b.texts || {};
    relabel();
    title.textContent = b.name;
    var back = b.hours && !b.hours.open && b.hours.back_at_text;
    sub.textContent = back
      ? t('{back}. Leave your message now and we will answer when we are back.', { back: back })
      : t('Typically replies in {time}. Write any time: you can leave and come back.', { time: b.typical_reply_time });
    if (b.email) { s.showEmail = s.showEmail || b.email.ask === 'always_optional'; consent.textContent = b.email.consent; }
    greet.textContent = b.greeting || '';
    greet.hidden = !b.greeting || !!s.conv || !!earlier.firstChild;
    render();
  }
  function stamp(at) {
    var d = new Date(at);
    var o = d.toDateString() === new Date().toDateString() ? { hour: '2-digit', minute: '2-digit' } : { dateStyle: 'medium', timeStyle: 'short' };
    try { return new Intl.DateTimeFormat(s.lang || undefined, o).format(d); } catch (x) { return d.toLocaleString(); }
  }
  function entryItem(e) {
    var who = e.type === 'message' ? e.author.kind : 'system';
    var li = el('li', { class: 'msg ' + who, 'data-seq': String(e.seq) });
    if (e.type === 'message') {
      li.append(who === 'expert' ? person(e.author.id)
        : el('span', { class: 'who', text: who === 'visitor' ? tr('You') : t('{name} (automatic)', { name: s.name }) }),
      el('p', { class: 'body', text: e.body }));
    } else if (e.type === 'closed') {
      li.append(el('p', { class: 'body', text: tr('The conversation was closed. You can still write to start a new one.') }));
    } else {
      return null;
    }
    li.append(el('time', { datetime: e.at, text: stamp(e.at) }));
    return li;
  }
  function person(id) {
    var who = el('span', { class: 'who', 'data-expert': id });
    paint(who, s.people[id]);
    if (!s.people[id]) {
      s.people[id] = call('GET', '/experts/' + encodeURIComponent(id)).then(function (p) {
        s.people[id] = p;
        root.querySelectorAll('[data-expert="' + id + '"]').forEach(function (n) { paint(n, p); });
      }, function () { s.people[id] = { name: s.name }; });
    }
    return who;
  }
  function paint(n, p) {
    p = p && p.name ? p : { name: s.name };
    var face = p.avatar_url ? el('img', { class: 'face', src: p.avatar_url, alt: '' })
      : el('span', { class: 'face', 'aria-hidden': 'true', text: p.initials || '' });
    n.replaceChildren(face, document.createTextNode(p.name));
  }
  function nameOf(id) { var p = s.people[id]; return p && p.name ? p.name : s.name; }
  function loadHistory() {
    return call('GET', '/history').then(function (h) {
      earlier.replaceChildren();
      (h.conversations || []).forEach(function (c) {
        if (c.id === s.conv) return;
        var list = el('ol', { class: 'old', 'aria-label': t('Conversation of {date}', { date: stamp(c.started_at) }) });
        c.entries.forEach(function (e) { var li = entryItem(e); if (li) list.append(li); });
        earlier.append(list);
      });
      if (earlier.firstChild) { earlier.prepend(el('h3', { class: 'sr', text: tr('Earlier conversations') })); greet.hidden = true; }
      render();
    }).catch(function () { /* the earlier conversations are a convenience */ });
  }
  function showCount() {
    var n = Array.from(input.value.trim()).length;
    var over = n > s.max;
    count.hidden = n < s.max * 0.9;
    count.textContent = t('{n} / {max} characters', { n: n, max: s.max });
    count.classList.toggle('over', over);
    input.setAttribute('aria-invalid', String(over));
    if (!over && error.dataset.long) { error.textContent = ''; delete error.dataset.long; }
  }
  function tooLong(text) {
    var n = Array.from(text).length;
    if (n <= s.max) return false;
    error.textContent = t('Your message is {n} characters long; the limit is {max}. Please shorten it.', { n: n, max: s.max });
    error.dataset.long = '1';
    return true;
  }

  // ---- Start --------------------------------------------------------------------------
  function mount() {
    document.body.appendChild(host);
    fetch(api, { headers: { 'accept-language': navigator.language || 'en' } })
      .then(function (r) { return r.ok ? r.json() : null; }).then(configure)
      .catch(function () { /* keep the defaults */ })
      .then(resume)
      .then(function () {
        var ready = who.id ? ensureVisitor().catch(function () { /* anonymous until the next try */ }) : Promise.resolve();
        return ready.then(function () {
          if (s.token) { loadHistory(); loadEmail(); }
          if (s.token && s.conv) fetchNew().then(connect);
        });
      });
    reportContext();
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
