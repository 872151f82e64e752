// The timeline webview: draws what the extension sends (batches of changed ops, never whole
// snapshots per change), redraws at most a few times a second, and keeps its place (process,
// zoom, scroll) across hide/show with getState/setState. Everything received is validated first.
import { FlameChartContainer, TimeGridPlugin } from 'flame-chart-js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import { layoutLanes, type LaneLayout, type TimelineOp } from '../../core/timeline';
import { parseToWebview, type FromWebview, type TimelineProcessItem, type ToWebview } from '../../core/timelineMessages';
import { formatMs, LanesPlugin, type LaneColors } from './lanesPlugin';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

interface SavedState {
  key: string | null;
  view: { start: number; end: number } | null;
  scrollTop: number;
  follow: boolean;
}

/** Layout and redraw at most this often while data streams in. */
const REDRAW_MS = 250;

const vscode = acquireVsCodeApi();
const post = (message: FromWebview) => vscode.postMessage(message);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const saved = readSavedState(vscode.getState());
let key: string | null = saved.key;
let trace = false;
let live = false;
let latestT = 0;
let follow = saved.follow;
let pendingView = saved.view;
let pendingScroll = saved.scrollTop;
const ops = new Map<number, TimelineOp>();
let layout: LaneLayout = { ids: [], depths: [] };
let layoutDirty = false;
let redrawTimer: number | undefined;
/** The chart has been zoomed to this process once (later data keeps the user's zoom). */
let hasView = false;

const canvas = $<HTMLCanvasElement>('canvas');
const chartBox = $('chart');
const lanes = new LanesPlugin(readColors(), (id, timeMs) => {
  if (!key) return;
  if (id !== null) {
    lanes.selectedId = id;
    chart.render();
    post({ type: 'reveal', key, id });
  } else if (trace) {
    post({ type: 'seek', key, t: Math.round(timeMs * 1000) });
  }
});
// The chart starts at the page's size: a saved zoom applied at a default size would be undone
// (the library resets a view narrower than the whole run) when the first resize arrives.
canvas.width = chartBox.clientWidth;
canvas.height = chartBox.clientHeight;
const chart = new FlameChartContainer({
  canvas,
  plugins: [new TimeGridPlugin(), lanes],
  settings: chartSettings(),
});

// Plain wheel scrolls the lanes (like any list); Ctrl+wheel zooms (the library's own handler);
// a sideways wheel pans. Captured before the library sees it.
chartBox.addEventListener('wheel', (e) => {
  if (e.ctrlKey) {
    follow = false;
    showFollow();
    return;
  }
  e.preventDefault();
  e.stopPropagation();
  lanes.scrollBy(e.deltaY);
  if (e.deltaX) {
    follow = false;
    showFollow();
    chart.renderEngine.tryToChangePosition(e.deltaX / chart.renderEngine.zoom);
  }
  chart.render();
  saveSoon();
}, { capture: true, passive: false });
canvas.addEventListener('mousedown', () => {
  follow = false;
  showFollow();
});
canvas.addEventListener('mouseup', () => saveSoon());

new ResizeObserver(() => {
  chart.resize(chartBox.clientWidth, chartBox.clientHeight);
  describeVisibleLanes();
}).observe(chartBox);
// Theme changes (VS Code sets the body's class and the CSS variables): redraw in the new colours.
new MutationObserver(() => {
  lanes.setColors(readColors());
  chart.setSettings(chartSettings());
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

const picker = $<HTMLSelectElement>('process');
picker.addEventListener('change', () => {
  const next = picker.value;
  if (next && next !== key) post({ type: 'pick', key: next });
});
$('fit').addEventListener('click', () => {
  follow = false;
  showFollow();
  fit();
});
$('zoomIn').addEventListener('click', () => zoomBy(0.5));
$('zoomOut').addEventListener('click', () => zoomBy(2));
$('follow').addEventListener('click', () => {
  follow = !follow;
  showFollow();
  if (follow) followEnd();
});
$('prev').addEventListener('click', () => key && post({ type: 'step', key, delta: -1 }));
$('next').addEventListener('click', () => key && post({ type: 'step', key, delta: 1 }));
$('whole').addEventListener('click', () => key && post({ type: 'endReplay', key }));

// A drag or wheel is saved a moment later; whatever is pending is saved as the page goes.
window.addEventListener('pagehide', () => save());
window.addEventListener('message', (event: MessageEvent) => {
  const message = parseToWebview(event.data);
  if (message) receive(message);
});
// The extension says which process to show (the saved zoom and scroll apply if it is the same).
post({ type: 'ready' });

function receive(message: ToWebview): void {
  switch (message.type) {
    case 'processes':
      showProcesses(message.items, message.selected);
      break;
    case 'reset':
      if (message.key !== key) {
        // Another process: shown whole first, not at the last one's zoom.
        pendingView = null;
        pendingScroll = 0;
        hasView = false;
        lanes.selectedId = null;
        lanes.scrollTo(0);
      }
      key = message.key;
      trace = message.trace;
      live = !trace;
      latestT = message.latestT;
        ops.clear();
      $('title').textContent = message.label;
      document.body.classList.toggle('trace', trace);
      for (const option of picker.querySelectorAll<HTMLElement & { value: string; selected: boolean }>('vscode-option')) option.selected = option.value === key;
      layoutDirty = true;
      scheduleRedraw();
      save();
      break;
    case 'ops':
      if (message.key !== key) return;
      for (const id of message.removed) ops.delete(id);
      for (const op of message.upserts) ops.set(op.id, op);
      latestT = Math.max(latestT, message.latestT);
      live = message.live;
      layoutDirty = true;
      scheduleRedraw();
      break;
    case 'cursor':
      if (message.key !== key) return;
      lanes.cursorT = message.cursor.t;
      $('moment').textContent = message.cursor.label;
      chart.render();
      break;
  }
}

function showProcesses(items: TimelineProcessItem[], selected: string | null): void {
  picker.replaceChildren(...items.map((item) => {
    const option = document.createElement('vscode-option') as HTMLElement & { value: string; selected: boolean };
    option.value = item.key;
    option.textContent = item.label;
    // Marked on the option: a value set on the select before its new options are slotted is lost.
    option.selected = item.key === (selected ?? key);
    return option;
  }));
  $('empty').hidden = items.length > 0;
  // The process shown left the view (removed, or its trace closed): nothing of it stays drawn.
  if (key !== null && !items.some((item) => item.key === key)) {
    key = null;
    live = false;
    ops.clear();
    lanes.cursorT = null;
    layoutDirty = true;
    hasView = false;
    document.body.classList.remove('trace');
    scheduleRedraw();
  }
}

function scheduleRedraw(): void {
  if (redrawTimer !== undefined) return;
  redrawTimer = window.setTimeout(() => {
    redrawTimer = undefined;
    redraw();
  }, REDRAW_MS);
}

function redraw(): void {
  if (layoutDirty) {
    layout = layoutLanes([...ops.values()]);
    layoutDirty = false;
  }
  lanes.setData(ops, layout, latestT);
  chart.renderEngine.calcMinMax();
  if (pendingView && ops.size > 0) {
    // The saved zoom, once the process's ops are here (the range it lies in is known).
    chart.setZoom(pendingView.start, pendingView.end);
    lanes.scrollTo(pendingScroll);
    pendingView = null;
  } else if (live && follow) {
    followEnd();
  } else if (!hasView && !pendingView) {
    fit();
  }
  hasView ||= ops.size > 0 && !pendingView;
  let pending = 0;
  for (const op of ops.values()) if (op.end === null) pending++;
  $('summary').textContent = key === null ? '' : `${ops.size.toLocaleString('en-US')} operations · ${pending.toLocaleString('en-US')} pending${live ? ' · live' : ''}`;
  chart.render();
  describeVisibleLanes();
  showFollow();
  save();
}

function fit(): void {
  const engine = chart.renderEngine;
  chart.setZoom(engine.min, engine.max + (engine.max - engine.min) * 0.02);
  save();
}

/** Keeps the latest moment in sight: the whole run while the view starts at its beginning,
 *  else the current span slid to the end. */
function followEnd(): void {
  const engine = chart.renderEngine;
  if (engine.positionX <= engine.min + 1e-6) return fit();
  const span = Math.min(engine.getRealView(), engine.max - engine.min) || 1;
  chart.setZoom(engine.max - span, engine.max);
}

function zoomBy(factor: number): void {
  follow = false;
  showFollow();
  const engine = chart.renderEngine;
  const span = engine.getRealView();
  const center = engine.positionX + span / 2;
  chart.setZoom(center - (span * factor) / 2, center + (span * factor) / 2);
  describeVisibleLanes();
  save(); // at once: the page may be hidden (and torn down) right after a click
}

function showFollow(): void {
  const button = $('follow');
  button.hidden = !live;
  button.textContent = follow ? 'Following' : 'Follow';
  button.toggleAttribute('secondary', !follow);
}

/**
 * The canvas says nothing to a screen reader: the lanes in sight are also listed as text (name,
 * status, timing), each with where its bar is drawn, so a user (or a test) can find a bar.
 */
function describeVisibleLanes(): void {
  const list = $('lanes');
  const engine = chart.renderEngine;
  const row = engine.blockHeight + 1;
  const offsetY = (lanes.renderEngine?.position ?? 0);
  const first = Math.floor(lanes.scrollTop / row);
  const items: HTMLElement[] = [];
  for (let lane = first; lane < Math.min(layout.ids.length, first + Math.ceil(engine.height / row)); lane++) {
    const op = ops.get(layout.ids[lane]);
    if (!op) continue;
    const x = engine.timeToPosition(op.start / 1000);
    const end = engine.timeToPosition((op.end ?? latestT) / 1000);
    const item = document.createElement('li');
    item.textContent = `${op.name} #${op.id}: ${op.end === null ? 'pending' : `${op.status} after ${formatMs((op.end - op.start) / 1000)}`}`;
    item.dataset.id = String(op.id);
    item.dataset.status = op.status;
    item.dataset.x = String(Math.round(Math.max(0, x)));
    item.dataset.w = String(Math.round(Math.max(2, Math.min(engine.width, end) - Math.max(0, x))));
    item.dataset.y = String(Math.round(offsetY + lane * row - lanes.scrollTop));
    item.dataset.h = String(engine.blockHeight);
    items.push(item);
  }
  list.replaceChildren(...items);
  // The time scale in sight: where a moment is on the canvas (ms since the process's origin).
  list.dataset.startMs = String(engine.positionX);
  list.dataset.pxPerMs = String(engine.zoom);
}

let saveTimer: number | undefined;
function saveSoon(): void {
  if (saveTimer !== undefined) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = undefined;
    save();
    describeVisibleLanes();
  }, 300);
}

function save(): void {
  const engine = chart.renderEngine;
  const state: SavedState = {
    key,
    view: hasView ? { start: engine.positionX, end: engine.positionX + engine.getRealView() } : null,
    scrollTop: lanes.scrollTop,
    follow,
  };
  vscode.setState(state);
}

function readSavedState(value: unknown): SavedState {
  const s = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof SavedState, unknown>>;
  const view = s.view as { start?: unknown; end?: unknown } | null | undefined;
  return {
    key: typeof s.key === 'string' ? s.key : null,
    view: view && typeof view.start === 'number' && typeof view.end === 'number' && view.end > view.start ? { start: view.start, end: view.end } : null,
    scrollTop: typeof s.scrollTop === 'number' && s.scrollTop >= 0 ? s.scrollTop : 0,
    follow: s.follow !== false,
  };
}

/** Theme colours, from the CSS variables VS Code gives every webview. */
function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function readColors(): LaneColors {
  return {
    status: {
      Started: cssVar('--vscode-charts-blue', '#3794ff'),
      Completed: cssVar('--vscode-charts-green', '#89d185'),
      Canceled: cssVar('--vscode-charts-yellow', '#cca700'),
      Error: cssVar('--vscode-charts-red', '#f14c4c'),
    },
    progress: cssVar('--vscode-charts-purple', '#b180d7'),
    cancel: cssVar('--vscode-charts-orange', '#d18616'),
    cursor: cssVar('--vscode-editorCursor-foreground', '#aeafad'),
    selected: cssVar('--vscode-focusBorder', '#007fd4'),
  };
}

function chartSettings() {
  const background = cssVar('--vscode-editor-background', '#1e1e1e');
  const foreground = cssVar('--vscode-editor-foreground', '#cccccc');
  const font = `12px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  const widgetBackground = cssVar('--vscode-editorHoverWidget-background', '#252526');
  return {
    options: { timeUnits: 'ms' },
    styles: {
      main: {
        backgroundColor: background,
        fontColor: '#000000',
        font,
        blockHeight: 18,
        tooltipBackgroundColor: widgetBackground,
        tooltipHeaderFontColor: cssVar('--vscode-editorHoverWidget-foreground', foreground),
        tooltipBodyFontColor: cssVar('--vscode-descriptionForeground', foreground),
        tooltipShadowColor: cssVar('--vscode-widget-shadow', 'rgba(0,0,0,0.36)'),
      },
      timeGrid: { color: cssVar('--vscode-editorRuler-foreground', 'rgba(128,128,128,0.3)') },
      timeGridPlugin: { fontColor: foreground, font },
    },
  };
}
