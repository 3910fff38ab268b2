// The dicom-gateway operator console: reads /api/* every few seconds and renders every value with textContent
// (never innerHTML). Actions are POSTs with "Authorization: Bearer <token>"; the token stays in sessionStorage.
'use strict';

const REFRESH_MS = 5000;
const TOKEN_KEY = 'dicom-gateway-admin-token';
const previews = new Map(); // instance id -> object URL of its preview (fetched once, with the token)
let actionsEnabled = false;

function token() { return sessionStorage.getItem(TOKEN_KEY) || ''; }

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function setText(id, text) { document.getElementById(id).textContent = String(text); }

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Number(n); let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return (unit === 0 ? value : value.toFixed(1)) + ' ' + units[unit];
}

function duration(seconds) {
  if (seconds < 120) return seconds + ' s';
  if (seconds < 7200) return Math.round(seconds / 60) + ' min';
  return (seconds / 3600).toFixed(1) + ' h';
}

function when(iso) { return iso ? new Date(iso).toLocaleString() : '–'; }

function message(text, error) {
  const node = document.getElementById('message');
  node.textContent = text;
  node.className = error ? 'error' : '';
}

function fill(tableId, rows, columns, emptyText) {
  const body = document.querySelector('#' + tableId + ' tbody');
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = el('tr'); const td = el('td', emptyText, 'empty'); td.colSpan = columns; tr.append(td); body.append(tr);
  }
  rows.forEach(row => body.append(row));
}

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(path + ': HTTP ' + response.status);
  return response.json();
}

function renderStatus(status) {
  actionsEnabled = status.actions_enabled;
  setText('gateway', status.gateway);
  setText('updated', 'updated ' + when(status.time));
  setText('instances-last-hour', status.instances_last_hour);
  setText('bytes-last-hour', bytes(status.bytes_last_hour));
  setText('open-studies', status.open_studies);
  setText('active-associations', status.active_associations);
  setText('failed-batches', status.failed_batches);
  setText('quarantined-instances', status.quarantined_instances);
  setText('oldest-undelivered', duration(status.oldest_undelivered_seconds));
  setText('spool-free', bytes(status.spool_free_bytes));
  document.getElementById('spool-free').title = 'spool.minFreeBytes: ' + bytes(status.spool_min_free_bytes);
  const bars = document.getElementById('per-minute');
  const peak = Math.max(1, ...status.per_minute.map(m => m.instances));
  bars.replaceChildren(...status.per_minute.map(m => {
    const bar = el('div');
    bar.style.height = Math.round(100 * m.instances / peak) + '%';
    bar.title = when(m.minute) + ': ' + m.instances + ' instances, ' + bytes(m.bytes);
    return bar;
  }));
  fill('batches-by-state', Object.entries(status.batches).map(([state, count]) => {
    const tr = el('tr'); tr.dataset.state = state; tr.append(el('td', state), el('td', count)); return tr;
  }), 2, 'no batches');
  fill('destinations', status.destinations.map(d => {
    const tr = el('tr');
    tr.append(el('td', d.destination), el('td', when(d.last_success_at)), el('td', when(d.last_error_at)),
      el('td', d.last_error || '', 'reason error-text'));
    return tr;
  }), 4, 'nothing delivered or tried since the start');
  const state = document.getElementById('actions-state');
  state.textContent = !actionsEnabled ? 'actions disabled: no http.adminTokenFile configured'
    : token() ? 'actions unlocked' : 'enter the token to enable Retry, Release and Purge';
}

function actionButton(label, className, path, confirmText) {
  const button = el('button', label, className);
  button.type = 'button';
  button.disabled = !actionsEnabled || !token();
  button.addEventListener('click', () => act(path, confirmText, button));
  return button;
}

async function act(path, confirmText, button) {
  if (confirmText && !window.confirm(confirmText)) return;
  button.disabled = true;
  try {
    const response = await fetch(path, { method: 'POST', headers: { 'Authorization': 'Bearer ' + token() } });
    const body = await response.json();
    if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    message(response.ok ? body.message : (body.error || ('HTTP ' + response.status)), !response.ok);
  } catch (e) {
    message(String(e), true);
  }
  refresh();
}

function renderFailed(batches) {
  fill('failed', batches.failed.map(b => {
    const tr = el('tr'); tr.dataset.batch = b.batch;
    const actions = el('td');
    actions.append(actionButton('Retry', 'retry', '/api/batches/' + encodeURIComponent(b.batch) + '/retry'));
    tr.append(el('td', b.batch, 'id'), el('td', b.state), el('td', b.instances), el('td', b.reason, 'reason'), actions);
    return tr;
  }), 5, 'no failed batches');
}

function previewCell(id) {
  const td = el('td');
  if (!token()) { td.append(el('span', 'token needed', 'muted')); return td; }
  const img = el('img', null, 'preview'); img.alt = 'first frame of ' + id;
  td.append(img);
  if (previews.has(id)) { img.src = previews.get(id); return td; }
  fetch('/api/quarantine/' + encodeURIComponent(id) + '/preview.png',
        { headers: { 'Authorization': 'Bearer ' + token() }, cache: 'no-store' })
    .then(async response => {
      if (!response.ok) {
        const body = await response.json().catch(() => ({}));
        td.replaceChildren(el('span', body.error || ('HTTP ' + response.status), 'muted'));
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      previews.set(id, url); img.src = url;
    })
    .catch(e => td.replaceChildren(el('span', String(e), 'muted')));
  return td;
}

function renderQuarantine(quarantine) {
  const ids = new Set(quarantine.instances.map(i => i.id));
  for (const [id, url] of previews) { if (!ids.has(id)) { URL.revokeObjectURL(url); previews.delete(id); } }
  fill('quarantine', quarantine.instances.map(i => {
    const tr = el('tr'); tr.dataset.instance = i.id;
    const actions = el('td');
    actions.append(actionButton('Release', 'release', '/api/quarantine/' + encodeURIComponent(i.id) + '/release'),
      actionButton('Purge', 'purge', '/api/quarantine/' + encodeURIComponent(i.id) + '/purge',
        'Delete instance ' + i.id + ' for good?'));
    tr.append(previewCell(i.id), el('td', i.id, 'id'), el('td', i.reason), el('td', i.modality),
      el('td', when(i.receivedAt)), actions);
    return tr;
  }), 6, 'quarantine is empty');
}

function renderAssociations(associations) {
  fill('associations', associations.recent.map(a => {
    const tr = el('tr'); tr.dataset.association = a.id;
    tr.append(el('td', when(a.ended_at)), el('td', a.calling_ae), el('td', a.peer), el('td', a.instances),
      el('td', a.failed), el('td', bytes(a.bytes)), el('td', a.outcome));
    return tr;
  }), 7, 'no associations since the start');
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const [status, batches, quarantine, associations] = await Promise.all([
      getJson('/api/status'), getJson('/api/batches'), getJson('/api/quarantine'), getJson('/api/associations')]);
    renderStatus(status);
    renderFailed(batches);
    renderQuarantine(quarantine);
    renderAssociations(associations);
    document.body.dataset.loaded = String(Date.now());
  } catch (e) {
    message('cannot read the gateway: ' + e.message, true);
  } finally {
    refreshing = false;
  }
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('token-form').addEventListener('submit', event => {
    event.preventDefault();
    const input = document.getElementById('token');
    if (input.value.trim()) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    message('token kept for this tab', false);
    refresh();
  });
  document.getElementById('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    message('actions locked', false);
    refresh();
  });
  refresh();
  setInterval(refresh, REFRESH_MS);
});
