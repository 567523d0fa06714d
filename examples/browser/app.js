/**
 * The demo page: loads a table (a metadata JSON over HTTP, or a REST catalog and a table name),
 * shows its schema and snapshots, streams a scan into a grid with a progress bar and live stats,
 * and stops it on Stop (the in-flight requests are aborted and the decode workers terminated).
 *
 * Query parameters fill the form: `table`, `catalog` + `name`, `select`, `filter`, `workers`,
 * `verify=1`, `autostart=1`; `lib` imports iceberg-rx from another URL. `window.demo` exposes the
 * state and `run(options)` / `stop()` for automation (the browser tests drive the page with it).
 */
import { rowDigest, displayText } from './digest.js';

const params = new URLSearchParams(location.search);
const rx = await import(params.get('lib') ?? '/dist/browser/iceberg-rx.js');

const $ = (id) => document.getElementById(id);
const GRID_ROWS = 100;

/** What the page shows, readable by tests. */
const state = {
  status: 'idle',
  rows: 0,
  batches: 0,
  files: 0,
  plannedFiles: 0,
  plannedBytes: 0,
  bytesRead: 0,
  rowGroupsRead: 0,
  ms: 0,
  workers: 0,
  digest: undefined,
  error: undefined,
  gridRows: [],
  columns: [],
};

let controller;
let running;

function setStatus(status, text) {
  state.status = status;
  $('status').dataset.state = status;
  $('status').textContent = text ?? status;
}

function fill(table, header, rows) {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const h of header) head.appendChild(Object.assign(document.createElement('th'), { textContent: h }));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
}

function typeText(type) {
  if (typeof type === 'string') return type;
  if (type.type === 'list') return `list<${typeText(type.element)}>`;
  if (type.type === 'map') return `map<${typeText(type.key)}, ${typeText(type.value)}>`;
  return `struct<${type.fields.map((f) => `${f.name}: ${typeText(f.type)}`).join(', ')}>`;
}

function showTable(table) {
  const schema = table.schema();
  fill($('schema'), ['id', 'name', 'type', 'required'], schema.fields.map((f) => [f.id, f.name, typeText(f.type), f.required ? 'yes' : '']));
  const current = table.currentSnapshot()?.snapshotId;
  fill(
    $('snapshots'),
    ['snapshot', 'time', 'operation', 'records'],
    table.snapshots().map((s) => [
      `${s.snapshotId}${s.snapshotId === current ? ' (current)' : ''}`,
      new Date(s.timestampMs).toISOString().replace('.000Z', 'Z'),
      s.summary.operation ?? '',
      s.summary['total-records'] ?? '',
    ]),
  );
}

const kib = (n) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${(n / 1024).toFixed(1)} KiB`);

function showStats(scanStats) {
  if (scanStats !== undefined) {
    state.rows = scanStats.rows;
    state.batches = scanStats.batches;
    state.files = scanStats.files;
    state.bytesRead = scanStats.bytesRead;
    state.rowGroupsRead = scanStats.rowGroupsRead;
  }
  const workers = rx.decodeWorkerStatus();
  const rows = [
    ['rows', state.rows.toLocaleString('en')],
    ['batches', state.batches],
    ['files', `${state.files} / ${state.plannedFiles}`],
    ['row groups read', state.rowGroupsRead],
    ['bytes read', `${kib(state.bytesRead)} / ${kib(state.plannedBytes)}`],
    ['rows deleted', scanStats ? scanStats.rowsDeleted.position + scanStats.rowsDeleted.equality + scanStats.rowsDeleted.deletionVector : ''],
    ['decode workers', `${workers.workers} alive, ${workers.busy} busy (scan asked ${state.workers})`],
    ['time', `${(state.ms / 1000).toFixed(2)} s`],
    ['rows/s', state.ms > 0 ? Math.round((state.rows / state.ms) * 1000).toLocaleString('en') : ''],
  ];
  if (state.digest !== undefined) rows.push(['row digest', state.digest]);
  fill($('stats'), ['', ''], rows);
  const p = $('progress');
  p.max = Math.max(1, state.plannedBytes);
  p.value = Math.min(state.bytesRead, p.max);
}

function showError(error) {
  const e = error ?? {};
  state.error = { code: e.code ?? 'unknown', message: e.message ?? String(error), path: e.path, expected: e.expected };
  const lines = [`${state.error.code}: ${state.error.message}`];
  if (e.path) lines.push(`file: ${e.path}`);
  if (e.expected) lines.push(`expected: ${e.expected}`);
  if (e.cause?.message && !state.error.message.includes(e.cause.message)) lines.push(`cause: ${e.cause.message}`);
  $('error').textContent = lines.join('\n');
  $('error').hidden = false;
  setStatus('error', `failed: ${state.error.code}`);
}

function readForm() {
  const kind = document.querySelector('input[name=kind]:checked').value;
  const workers = $('workers').value === '' ? undefined : Number($('workers').value);
  const select = $('select').value.trim();
  return {
    kind,
    table: $('table-url').value.trim(),
    catalog: $('catalog-uri').value.trim(),
    name: $('catalog-table').value.trim(),
    select: select === '' ? undefined : select.split(',').map((s) => s.trim()),
    filter: $('filter').value.trim() || undefined,
    workers,
    verify: $('verify').checked,
  };
}

async function openTable(o, signal) {
  if (o.kind === 'rest') {
    const catalog = await rx.connectCatalog({ type: 'rest', uri: o.catalog });
    return catalog.loadTable(o.name, { signal });
  }
  return rx.loadTable(o.table, { signal });
}

/** Collects the planned files (for the progress bar's totals). */
function plan(scan) {
  return new Promise((resolve, reject) => {
    let files = 0;
    let bytes = 0;
    scan.planFiles().subscribe({
      next: (task) => {
        files += 1;
        bytes += task.dataFile.fileSizeInBytes;
        for (const d of task.deletes ?? []) bytes += d.fileSizeInBytes ?? 0;
      },
      error: reject,
      complete: () => resolve({ files, bytes }),
    });
  });
}

/**
 * Runs one scan with `options` (the form's fields; missing ones are read from the form) and
 * resolves with the final state.
 */
async function run(options = {}) {
  if (running !== undefined) await stop();
  const o = { ...readForm(), ...options };
  controller = new AbortController();
  const { signal } = controller;
  Object.assign(state, { rows: 0, batches: 0, files: 0, plannedFiles: 0, plannedBytes: 0, bytesRead: 0, rowGroupsRead: 0, ms: 0, digest: undefined, error: undefined, gridRows: [], columns: [] });
  state.workers = o.workers ?? navigator.hardwareConcurrency;
  $('error').hidden = true;
  $('stop').disabled = false;
  $('scan').disabled = true;
  fill($('grid'), [], []);
  const task = (async () => {
    let ticker;
    let scan;
    try {
      setStatus('loading', 'loading the table…');
      const table = await openTable(o, signal);
      showTable(table);
      const scanOptions = {
        signal,
        ...(o.select ? { select: o.select } : {}),
        ...(o.filter ? { filter: o.filter } : {}),
        ...(o.workers !== undefined ? { decodeWorkers: o.workers } : {}),
        ...(o.scanOptions ?? {}),
      };
      setStatus('planning', 'planning…');
      const planned = await plan(table.scan(scanOptions));
      state.plannedFiles = planned.files;
      state.plannedBytes = planned.bytes;
      setStatus('scanning', 'scanning…');
      scan = table.scan(scanOptions);
      const digest = o.verify ? rowDigest() : undefined;
      const started = performance.now();
      ticker = setInterval(() => {
        state.ms = performance.now() - started;
        showStats(scan.stats);
      }, 100);
      const grid = $('grid');
      for await (const batch of scan.toAsyncIterable()) {
        digest?.add(batch);
        if (state.gridRows.length < GRID_ROWS) {
          if (state.columns.length === 0) {
            state.columns = batch.schema.fields.map((f) => f.name);
            fill(grid, state.columns, []);
          }
          const columns = state.columns.map((_c, i) => batch.getChildAt(i));
          const types = batch.schema.fields.map((f) => f.type);
          const body = grid.tBodies[0];
          for (let r = 0; r < batch.numRows && state.gridRows.length < GRID_ROWS; r++) {
            const cells = columns.map((c, i) => displayText(c.get(r), types[i]));
            state.gridRows.push(cells);
            const tr = body.insertRow();
            for (const cell of cells) tr.insertCell().textContent = cell;
          }
        }
      }
      state.ms = performance.now() - started;
      state.digest = digest?.value();
      showStats(scan.stats);
      setStatus('done', `done: ${state.rows.toLocaleString('en')} rows in ${(state.ms / 1000).toFixed(2)} s`);
    } catch (error) {
      if (scan !== undefined) showStats(scan.stats);
      if (signal.aborted) setStatus('stopped', `stopped after ${state.rows.toLocaleString('en')} rows`);
      else showError(error);
    } finally {
      clearInterval(ticker);
      $('stop').disabled = true;
      $('scan').disabled = false;
    }
    return { ...state, workersNow: rx.decodeWorkerStatus() };
  })();
  running = task;
  try {
    return await task;
  } finally {
    if (running === task) running = undefined;
  }
}

/** Stops the running scan (its requests are aborted) and terminates the decode workers. */
async function stop() {
  controller?.abort();
  await running?.catch(() => undefined);
  await rx.closeSharedDecodePool();
  showStats();
  return { ...state, workersNow: rx.decodeWorkerStatus() };
}

$('source').addEventListener('submit', (event) => {
  event.preventDefault();
  void run();
});
$('stop').addEventListener('click', () => void stop());

if (params.has('table')) $('table-url').value = params.get('table');
if (params.has('catalog')) {
  $('catalog-uri').value = params.get('catalog');
  $('catalog-table').value = params.get('name') ?? '';
  document.querySelector('input[name=kind][value=rest]').checked = true;
}
if (params.has('select')) $('select').value = params.get('select');
if (params.has('filter')) $('filter').value = params.get('filter');
$('workers').value = params.get('workers') ?? String(navigator.hardwareConcurrency || 1);
$('verify').checked = params.get('verify') === '1';

window.demo = { state, run, stop, rx };
document.body.dataset.ready = 'true';
if (params.get('autostart') === '1') void run();
