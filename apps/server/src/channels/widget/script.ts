/**
 * The embeddable chat widget, served as `/widget.js`: plain ES2017, no framework, no build step.
 *
 * - Text is only ever put on the page with `textContent` (never `innerHTML`), so customer or agent text is data.
 * - State per inbox in localStorage: a visitor id, the server-issued visitor token, the last seq seen, and the
 *   outbox of messages not yet acknowledged (each with a client id, the server's idempotency key).
 * - Reconnects with capped exponential backoff plus jitter; on reconnect it says hello with the last seq (the server
 *   replays what was missed) and resends the outbox (the server acknowledges a known client id without storing it
 *   twice).
 * - The host page may pass a signed identity with data-external-id, data-name, data-email and data-signature.
 * - A resolved conversation's satisfaction survey shows inline (1–5, a comment, an explicit send); its texts come from
 *   the server in the customer's language, so the script carries none.
 */
export const WIDGET_SCRIPT = String.raw`(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.getAttribute('data-inbox')) return;
  var inboxId = script.getAttribute('data-inbox');
  var origin = new URL(script.src, location.href).origin;
  var socketUrl = origin.replace(/^http/, 'ws') + '/ws/widget?inbox=' + encodeURIComponent(inboxId);
  var storageKey = 'tongli.widget.' + inboxId;
  var FATAL = { invalid_identity: 1, identity_not_enabled: 1, inbox_mismatch: 1 };

  function randomId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }
  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey) || '{}') || {}; } catch (e) { return {}; }
  }
  var state = load();
  state.visitorId = state.visitorId || randomId();
  state.lastSeq = state.lastSeq || 0;
  state.outbox = Array.isArray(state.outbox) ? state.outbox : [];
  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify(state)); } catch (e) { /* private mode: memory only */ }
  }
  save();

  var identity = null;
  if (script.getAttribute('data-external-id') && script.getAttribute('data-signature')) {
    identity = { externalId: script.getAttribute('data-external-id'), signature: script.getAttribute('data-signature') };
    if (script.getAttribute('data-name')) identity.name = script.getAttribute('data-name');
    if (script.getAttribute('data-email')) identity.email = script.getAttribute('data-email');
  }

  function el(tag, style, text) {
    var node = document.createElement(tag);
    if (style) node.style.cssText = style;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  var root = el('div', 'position:fixed;right:12px;bottom:12px;z-index:2147483000;font:14px/1.4 system-ui,sans-serif');
  var panel = el('div', 'display:none;flex-direction:column;width:320px;width:min(320px,calc(100vw - 24px));height:440px;height:min(440px,calc(100vh - 104px));margin-bottom:12px;background:#fff;border-radius:12px;box-shadow:0 8px 30px rgba(0,0,0,.2);overflow:hidden');
  var header = el('div', 'padding:12px 16px;background:#1668dc;color:#fff;font-weight:600', script.getAttribute('data-title') || '\u5728\u7ebf\u5ba2\u670d');
  var list = el('div', 'flex:1;overflow-y:auto;padding:12px;background:#f5f7fa');
  var typing = el('div', 'display:none;padding:0 12px 4px;color:#888;font-size:12px;background:#f5f7fa', '\u2026');
  var form = el('form', 'display:flex;border-top:1px solid #e5e7eb');
  var input = el('textarea', 'flex:1;border:0;padding:10px;resize:none;font:inherit;font-size:16px;outline:none');
  input.rows = 2;
  input.maxLength = 20000;
  input.setAttribute('aria-label', 'message');
  var sendButton = el('button', 'border:0;background:#1668dc;color:#fff;padding:0 16px;cursor:pointer', '\u53d1\u9001');
  sendButton.type = 'submit';
  var bubble = el('button', 'width:56px;height:56px;border-radius:50%;border:0;background:#1668dc;color:#fff;font-size:24px;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);float:right;display:flex;align-items:center;justify-content:center');
  bubble.setAttribute('aria-label', 'chat');
  // A drawn speech bubble, not an emoji: pages and phones without an emoji font would show an empty box.
  if (document.createElementNS) {
    var SVG = 'http://www.w3.org/2000/svg';
    var icon = document.createElementNS(SVG, 'svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.setAttribute('width', '26');
    icon.setAttribute('height', '26');
    icon.setAttribute('aria-hidden', 'true');
    var path = document.createElementNS(SVG, 'path');
    path.setAttribute('fill', 'currentColor');
    path.setAttribute('d', 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z');
    icon.appendChild(path);
    bubble.appendChild(icon);
  } else {
    bubble.textContent = '\ud83d\udcac';
  }
  form.appendChild(input);
  form.appendChild(sendButton);
  panel.appendChild(header);
  panel.appendChild(list);
  panel.appendChild(typing);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(bubble);

  var shown = {};
  function render(key, from, body, pending) {
    var row = shown[key];
    if (!row) {
      row = el('div', 'display:flex;margin:4px 0;justify-content:' + (from === 'visitor' ? 'flex-end' : 'flex-start'));
      var text = el('div', 'max-width:80%;padding:8px 12px;border-radius:12px;white-space:pre-wrap;word-break:break-word;background:' + (from === 'visitor' ? '#1668dc;color:#fff' : '#fff;color:#222'));
      text.textContent = body;
      row.appendChild(text);
      list.appendChild(row);
      shown[key] = row;
      list.scrollTop = list.scrollHeight;
    }
    row.style.opacity = pending ? '0.6' : '1';
    return row;
  }
  function showMessage(m) {
    if (m.seq > state.lastSeq) { state.lastSeq = m.seq; save(); }
    if (shown[m.id]) return;
    // The echo of a message sent from this tab takes over its row (and, being stored, acknowledges it).
    if (m.clientId && shown[m.clientId]) { acknowledge(m.clientId, m.id); return; }
    render(m.id, m.from, m.body, false);
  }

  function acknowledge(clientId, messageId) {
    state.outbox = state.outbox.filter(function (entry) { return entry.clientId !== clientId; });
    save();
    var row = shown[clientId];
    if (row) { row.style.opacity = '1'; shown[messageId] = row; }
  }

  var surveys = {};
  function showSurvey(m) {
    if (surveys[m.conversationId]) return;
    var box = el('div', 'margin:8px 0;padding:10px;background:#fff;border:1px solid #d0d5dd;border-radius:12px');
    surveys[m.conversationId] = box;
    box.appendChild(el('div', 'font-weight:600;margin-bottom:6px', m.texts.question));
    var row = el('div', 'display:flex;gap:4px');
    var buttons = [];
    var chosen = 0;
    var comment = el('textarea', 'display:block;width:100%;box-sizing:border-box;margin-top:6px;font:inherit;border:1px solid #d0d5dd;border-radius:6px');
    comment.maxLength = 2000;
    comment.placeholder = m.texts.commentLabel;
    comment.setAttribute('aria-label', m.texts.commentLabel);
    var go = el('button', 'margin-top:6px;border:0;background:#1668dc;color:#fff;padding:6px 14px;border-radius:6px;cursor:pointer', m.texts.submit);
    go.type = 'button';
    go.disabled = true;
    [1, 2, 3, 4, 5].forEach(function (rating) {
      var b = el('button', 'flex:1;border:1px solid #d0d5dd;background:#fff;border-radius:6px;padding:6px 0;cursor:pointer', String(rating));
      b.type = 'button';
      b.title = m.texts.ratings[rating - 1] || '';
      b.setAttribute('aria-label', rating + ' ' + b.title);
      b.addEventListener('click', function () {
        chosen = rating;
        go.disabled = false;
        buttons.forEach(function (other, i) { other.style.background = i < rating ? '#1668dc' : '#fff'; other.style.color = i < rating ? '#fff' : '#222'; });
      });
      buttons.push(b);
      row.appendChild(b);
    });
    // Nothing is recorded until the visitor presses send.
    go.addEventListener('click', function () {
      if (chosen) send({ type: 'survey', conversationId: m.conversationId, rating: chosen, comment: comment.value.trim() || undefined });
    });
    box.appendChild(row);
    box.appendChild(comment);
    box.appendChild(go);
    list.appendChild(box);
    list.scrollTop = list.scrollHeight;
  }
  function surveyDone(m) {
    var box = surveys[m.conversationId];
    if (box) box.textContent = m.text;
  }

  var ws = null;
  var ready = false;
  var attempt = 0;
  var stopped = false;
  function send(message) {
    if (ws && ws.readyState === 1) ws.send(JSON.stringify(message));
  }
  function flush() {
    if (!ready) return;
    for (var i = 0; i < state.outbox.length; i++) send({ type: 'message', clientId: state.outbox[i].clientId, body: state.outbox[i].body });
  }
  var typingTimer = null;
  function onServer(data) {
    var message;
    try { message = JSON.parse(data); } catch (e) { return; }
    if (message.type === 'welcome') {
      state.visitorToken = message.visitorToken;
      save();
      ready = true;
      attempt = 0;
      for (var i = 0; i < message.messages.length; i++) showMessage(message.messages[i]);
      flush();
    } else if (message.type === 'ack') {
      acknowledge(message.clientId, message.messageId);
    } else if (message.type === 'message') {
      showMessage(message.message);
    } else if (message.type === 'survey') {
      showSurvey(message);
    } else if (message.type === 'survey_done') {
      surveyDone(message);
    } else if (message.type === 'typing') {
      typing.style.display = 'block';
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typing.style.display = 'none'; }, 3000);
    } else if (message.type === 'error') {
      if (FATAL[message.code]) stopped = true;
      if (message.code === 'rate_limited') setTimeout(flush, 1500);
    }
  }
  function connect() {
    if (stopped) return;
    ready = false;
    ws = new WebSocket(socketUrl);
    ws.onopen = function () {
      var hello = { type: 'hello', inboxId: inboxId, lastSeq: state.lastSeq };
      if (state.visitorToken) hello.visitorToken = state.visitorToken;
      if (identity) hello.identity = identity;
      send(hello);
    };
    ws.onmessage = function (event) { onServer(event.data); };
    ws.onclose = function () {
      ready = false;
      if (stopped) return;
      var delay = Math.min(30000, 500 * Math.pow(2, attempt++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, delay);
    };
  }

  var lastTypingSent = 0;
  input.addEventListener('input', function () {
    var now = Date.now();
    if (ready && now - lastTypingSent > 2000) { lastTypingSent = now; send({ type: 'typing' }); }
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) { event.preventDefault(); submit(); }
  });
  function submit() {
    var body = input.value.trim();
    if (!body) return;
    input.value = '';
    var entry = { clientId: randomId(), body: body };
    state.outbox.push(entry);
    save();
    render(entry.clientId, 'visitor', body, true);
    if (ready) send({ type: 'message', clientId: entry.clientId, body: body });
  }
  form.addEventListener('submit', function (event) { event.preventDefault(); submit(); });
  bubble.addEventListener('click', function () {
    var open = panel.style.display === 'none';
    panel.style.display = open ? 'flex' : 'none';
    if (open) input.focus();
  });

  for (var i = 0; i < state.outbox.length; i++) render(state.outbox[i].clientId, 'visitor', state.outbox[i].body, true);
  function mount() { document.body.appendChild(root); connect(); }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
`;
