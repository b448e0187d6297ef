import { COMMENTS_MAX, DialogOptions, EMAIL_MAX, NAME_MAX } from './error-page-form';

/**
 * The crash-report dialog: a script that `Sentry.showReportDialog()` loads into the customer's page. It adds a modal
 * form, posts it back to the URL it was loaded from, and tells the SDK when it closes (`onClose` listens for the
 * `__sentry_reportdialog_closed__` window message; `onLoad` is the script element's own load event).
 *
 * Everything is inline (no external assets) and namespaced under the `glitchtip-rd` class and id prefix, so it
 * neither depends on nor leaks into the page's styles.
 */

const PREFIX = 'glitchtip-rd';

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe to place in HTML content and in quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * A JavaScript expression for `value` (JSON), safe inside a script: `<` is written `\u003c` (so neither `</script`
 * nor `<!--` can appear) and U+2028/U+2029, line terminators to older engines, are escaped too.
 */
export function jsLiteral(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

const STYLE = `
.${PREFIX}-root, .${PREFIX}-root * { box-sizing: border-box; }
.${PREFIX}-root [hidden] { display: none !important; }
.${PREFIX}-overlay { position: fixed; inset: 0; z-index: 2147483647; display: flex; align-items: center;
  justify-content: center; padding: 16px; background: rgba(15, 18, 25, 0.55); overflow-y: auto;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: #1d2026; text-align: left; }
.${PREFIX}-dialog { width: 100%; max-width: 480px; margin: auto; padding: 24px; border-radius: 8px;
  background: #fff; box-shadow: 0 12px 40px rgba(0, 0, 0, 0.3); }
.${PREFIX}-title { margin: 0 0 8px; font-size: 20px; font-weight: 600; line-height: 1.3; color: inherit; }
.${PREFIX}-subtitle { margin: 0 0 4px; color: #4a505c; }
.${PREFIX}-form { margin: 16px 0 0; }
.${PREFIX}-field { margin: 0 0 12px; }
.${PREFIX}-field label { display: block; margin: 0 0 4px; font-weight: 600; color: inherit; }
.${PREFIX}-field input, .${PREFIX}-field textarea { display: block; width: 100%; margin: 0; padding: 8px 10px;
  border: 1px solid #b9bec8; border-radius: 4px; background: #fff; color: #1d2026; font: inherit; }
.${PREFIX}-field textarea { min-height: 110px; resize: vertical; }
.${PREFIX}-field input:focus, .${PREFIX}-field textarea:focus, .${PREFIX}-button:focus {
  outline: 2px solid #3b6fd8; outline-offset: 1px; }
.${PREFIX}-field [aria-invalid="true"] { border-color: #c0262d; }
.${PREFIX}-error { margin: 4px 0 0; color: #c0262d; font-size: 13px; }
.${PREFIX}-alert { margin: 12px 0 0; padding: 8px 10px; border-radius: 4px; background: #fdecec; color: #8f1c21; }
.${PREFIX}-success { margin: 16px 0 0; padding: 8px 10px; border-radius: 4px; background: #e8f5ec; color: #1d5c30; }
.${PREFIX}-actions { display: flex; justify-content: flex-end; gap: 8px; margin: 16px 0 0; }
.${PREFIX}-button { margin: 0; padding: 8px 14px; border: 1px solid #b9bec8; border-radius: 4px; background: #fff;
  color: #1d2026; font: inherit; cursor: pointer; }
.${PREFIX}-button[disabled] { opacity: 0.6; cursor: default; }
.${PREFIX}-primary { border-color: #3b6fd8; background: #3b6fd8; color: #fff; }
`;

function field(
  key: 'name' | 'email' | 'comments',
  label: string,
  control: (attributes: string) => string,
): string {
  const id = `${PREFIX}-${key}`;
  const attributes = `id="${id}" name="${key}" required aria-describedby="${id}-error"`;
  return (
    `<div class="${PREFIX}-field">` +
    `<label for="${id}">${escapeHtml(label)}</label>${control(attributes)}` +
    `<p class="${PREFIX}-error" id="${id}-error" hidden></p>` +
    `</div>`
  );
}

/** The dialog's markup; every text from the query is escaped here. */
export function renderDialogHtml(options: DialogOptions): string {
  const subtitles = [options.subtitle, options.subtitle2]
    .filter((text) => text)
    .map((text) => `<p class="${PREFIX}-subtitle">${escapeHtml(text)}</p>`)
    .join('');
  const button = (kind: string, label: string, type = 'button') =>
    `<button type="${type}" class="${PREFIX}-button ${PREFIX}-${kind}">${escapeHtml(label)}</button>`;
  return (
    `<style>${STYLE}</style>` +
    `<div class="${PREFIX}-overlay">` +
    `<div class="${PREFIX}-dialog" role="dialog" aria-modal="true" aria-labelledby="${PREFIX}-title">` +
    `<h2 class="${PREFIX}-title" id="${PREFIX}-title">${escapeHtml(options.title)}</h2>` +
    subtitles +
    `<div class="${PREFIX}-alert" role="alert" hidden></div>` +
    `<form class="${PREFIX}-form">` +
    field(
      'name',
      options.labelName,
      (a) =>
        `<input ${a} type="text" maxlength="${NAME_MAX}" autocomplete="name" value="${escapeHtml(options.name)}">`,
    ) +
    field(
      'email',
      options.labelEmail,
      (a) =>
        `<input ${a} type="email" maxlength="${EMAIL_MAX}" autocomplete="email" value="${escapeHtml(options.email)}">`,
    ) +
    field(
      'comments',
      options.labelComments,
      (a) => `<textarea ${a} maxlength="${COMMENTS_MAX}"></textarea>`,
    ) +
    `<div class="${PREFIX}-actions">` +
    button('close', options.labelClose) +
    button('primary', options.labelSubmit, 'submit') +
    `</div></form>` +
    `<div class="${PREFIX}-success" role="status" hidden>` +
    `<p>${escapeHtml(options.successMessage)}</p>` +
    `<div class="${PREFIX}-actions">${button('close', options.labelClose)}</div>` +
    `</div>` +
    `</div></div>`
  );
}

/**
 * The script served at `/api/embed/error-page/`. `endpoint` is where to post the form when the browser cannot say
 * where the script came from (`document.currentScript`); both are the same URL, query string included.
 */
export function renderErrorPageScript(options: DialogOptions, endpoint: string): string {
  const strings = { errorGeneric: options.errorGeneric, errorFormEntry: options.errorFormEntry };
  return `/* GlitchTip crash-report dialog */
(function () {
  'use strict';
  var PREFIX = ${jsLiteral(PREFIX)};
  var HTML = ${jsLiteral(renderDialogHtml(options))};
  var STRINGS = ${jsLiteral(strings)};
  var FIELDS = ['name', 'email', 'comments'];
  var doc = window.document;
  var script = doc.currentScript;
  var endpoint = (script && script.src) || ${jsLiteral(endpoint)};

  // One dialog at a time: a second showReportDialog() replaces the first.
  var previous = doc.querySelector('.' + PREFIX + '-root');
  if (previous && typeof previous.glitchtipClose === 'function') previous.glitchtipClose();

  var returnFocus = doc.activeElement;
  var root = doc.createElement('div');
  root.className = PREFIX + '-root';
  root.innerHTML = HTML;
  var find = function (selector) { return root.querySelector(selector); };
  var overlay = find('.' + PREFIX + '-overlay');
  var dialog = find('.' + PREFIX + '-dialog');
  var form = find('form');
  var alertBox = find('.' + PREFIX + '-alert');
  var success = find('.' + PREFIX + '-success');
  var submit = find('button[type="submit"]');
  var closed = false;
  var sending = false;

  function close() {
    if (closed) return;
    closed = true;
    doc.removeEventListener('keydown', onKeyDown, true);
    if (root.parentNode) root.parentNode.removeChild(root);
    if (returnFocus && typeof returnFocus.focus === 'function') {
      try { returnFocus.focus(); } catch (e) { /* the element may be gone */ }
    }
    window.postMessage('__sentry_reportdialog_closed__', '*');
  }
  root.glitchtipClose = close;

  function focusable() {
    var all = dialog.querySelectorAll('input, textarea, button');
    var visible = [];
    for (var i = 0; i < all.length; i++) {
      if (!all[i].disabled && all[i].offsetParent !== null) visible.push(all[i]);
    }
    return visible;
  }

  function onKeyDown(event) {
    if (event.key === 'Escape' || event.key === 'Esc') {
      event.preventDefault();
      close();
    } else if (event.key === 'Tab') {
      // Keep the focus inside the modal.
      var items = focusable();
      if (!items.length) return;
      var first = items[0];
      var last = items[items.length - 1];
      var inside = dialog.contains(doc.activeElement);
      if (event.shiftKey && (doc.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (doc.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    }
  }

  function fieldError(name, messages) {
    var control = form.elements[name];
    var box = find('#' + PREFIX + '-' + name + '-error');
    if (!control || !box) return;
    if (messages && messages.length) {
      control.setAttribute('aria-invalid', 'true');
      box.textContent = messages.join(' ');
      box.hidden = false;
    } else {
      control.removeAttribute('aria-invalid');
      box.textContent = '';
      box.hidden = true;
    }
  }

  function showAlert(text) {
    alertBox.textContent = text;
    alertBox.hidden = !text;
  }

  function finish(status, responseText) {
    sending = false;
    submit.disabled = false;
    form.removeAttribute('aria-busy');
    if (status >= 200 && status < 300) {
      form.hidden = true;
      success.hidden = false;
      var done = success.querySelector('button');
      if (done) done.focus();
      return;
    }
    var errors = null;
    if (status === 400) {
      try { errors = JSON.parse(responseText).errors; } catch (e) { errors = null; }
    }
    if (!errors || typeof errors !== 'object') {
      showAlert(STRINGS.errorGeneric);
      return;
    }
    showAlert(STRINGS.errorFormEntry);
    var firstInvalid = null;
    for (var i = 0; i < FIELDS.length; i++) {
      fieldError(FIELDS[i], errors[FIELDS[i]]);
      if (errors[FIELDS[i]] && !firstInvalid) firstInvalid = form.elements[FIELDS[i]];
    }
    if (firstInvalid) firstInvalid.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    if (sending) return;
    sending = true;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showAlert('');
    var body = [];
    for (var i = 0; i < FIELDS.length; i++) {
      fieldError(FIELDS[i], null);
      body.push(FIELDS[i] + '=' + encodeURIComponent(form.elements[FIELDS[i]].value));
    }
    var request = new XMLHttpRequest();
    request.open('POST', endpoint, true);
    request.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    request.onload = function () { finish(request.status, request.responseText); };
    request.onerror = function () { finish(0, ''); };
    request.send(body.join('&'));
  });

  var closeButtons = root.querySelectorAll('.' + PREFIX + '-close');
  for (var i = 0; i < closeButtons.length; i++) closeButtons[i].addEventListener('click', close);
  overlay.addEventListener('click', function (event) {
    if (event.target === overlay) close();
  });
  doc.addEventListener('keydown', onKeyDown, true);

  (doc.body || doc.documentElement).appendChild(root);
  var start = form.elements.name;
  if (start.value) start = form.elements.email.value ? form.elements.comments : form.elements.email;
  start.focus();
})();
`;
}
