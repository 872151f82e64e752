// One lane per op, drawn by flame-chart-js: a plugin of the library's render engine, which gives
// the time axis, zoom (Ctrl+wheel, +/-), pan (drag), hit regions and tooltips; the plugin draws
// only the lanes in sight, so 100,000 ops cost what the visible 50 do.
import { UIPlugin, type HitRegion, type RegionTypes } from 'flame-chart-js';
import type { OpStatusName } from '../../core/model';
import type { LaneLayout, TimelineOp } from '../../core/timeline';

export interface LaneColors {
  status: Record<OpStatusName, string>;
  progress: string;
  cancel: string;
  cursor: string;
  selected: string;
}

const OP_REGION = 'async-op' as RegionTypes;
const US_PER_MS = 1000;

export class LanesPlugin extends UIPlugin {
  height: 'flexible' = 'flexible';
  private ops = new Map<number, TimelineOp>();
  private layout: LaneLayout = { ids: [], depths: [] };
  /** The process's latest time (µs): pending bars end here. */
  private latestT = 0;
  private positionY = 0;
  private hovered: HitRegion<number> | null = null;
  selectedId: number | null = null;
  /** The replay cursor (µs), or null. */
  cursorT: number | null = null;

  constructor(private colors: LaneColors, private readonly onPick: (id: number | null, timeMs: number) => void) {
    super('asyncLanes');
  }

  override init(renderEngine: UIPlugin['renderEngine'], interactionsEngine: UIPlugin['interactionsEngine']): void {
    super.init(renderEngine, interactionsEngine);
    this.interactionsEngine.on('change-position', ({ deltaX, deltaY }: { deltaX: number; deltaY: number }) => {
      this.scrollBy(deltaY);
      this.renderEngine.tryToChangePosition(deltaX);
      this.renderEngine.parent.render();
    });
    this.interactionsEngine.on('hover', (region: HitRegion<number> | null) => {
      this.hovered = region?.type === OP_REGION ? region : null;
    });
    this.interactionsEngine.on('select', (region: HitRegion<number> | null) => {
      const mouse = this.interactionsEngine.getMouse();
      const timeMs = this.renderEngine.positionX + mouse.x / this.renderEngine.zoom;
      this.onPick(region?.type === OP_REGION ? region.data : null, timeMs);
    });
  }

  setColors(colors: LaneColors): void {
    this.colors = colors;
  }

  setData(ops: Map<number, TimelineOp>, layout: LaneLayout, latestT: number): void {
    this.ops = ops;
    this.layout = layout;
    this.latestT = latestT;
    let min = Infinity;
    let max = -Infinity;
    for (const op of ops.values()) {
      min = Math.min(min, op.start);
      max = Math.max(max, op.end ?? latestT);
    }
    if (min === Infinity) min = max = 0;
    max = Math.max(max, latestT);
    // The library zooms between the plugins' min and max (ms); an empty range would divide by 0.
    this.min = min / US_PER_MS;
    this.max = Math.max(max / US_PER_MS, this.min + 1);
    this.clampScroll();
  }

  get rowHeight(): number {
    return this.renderEngine.blockHeight + 1;
  }

  get scrollTop(): number {
    return this.positionY;
  }

  scrollBy(deltaY: number): void {
    this.positionY += deltaY;
    this.clampScroll();
  }

  scrollTo(y: number): void {
    this.positionY = y;
    this.clampScroll();
  }

  /** The lane of an op, to scroll it into sight. */
  laneOf(id: number): number {
    return this.layout.ids.indexOf(id);
  }

  private clampScroll(): void {
    const height = this.renderEngine?.height ?? 0;
    const maxY = Math.max(0, this.layout.ids.length * (this.renderEngine ? this.rowHeight : 17) - height + 20);
    this.positionY = Math.max(0, Math.min(this.positionY, maxY));
  }

  override render(): void {
    const engine = this.renderEngine;
    const rowHeight = this.rowHeight;
    const blockHeight = engine.blockHeight;
    const first = Math.max(0, Math.floor(this.positionY / rowHeight));
    const last = Math.min(this.layout.ids.length, Math.ceil((this.positionY + engine.height) / rowHeight) + 1);
    const ms = (t: number) => engine.timeToPosition(t / US_PER_MS);
    for (let lane = first; lane < last; lane++) {
      const op = this.ops.get(this.layout.ids[lane]);
      if (!op) continue;
      const y = lane * rowHeight - this.positionY;
      const x = ms(op.start);
      const endX = ms(op.end ?? this.latestT);
      const w = Math.max(2, endX - x);
      if (x > engine.width || x + w < 0) continue;
      engine.addRect({ color: this.colors.status[op.status], x, y, w });
      // Indented by depth, so nesting reads in the text as in the lanes' order.
      engine.addText({ text: `${'  '.repeat(Math.min(this.layout.depths[lane], 20))}${op.name} #${op.id}`, x, y, w });
      for (const t of op.progressT) engine.addRect({ color: this.colors.progress, x: ms(t) - 1, y: y + blockHeight - 4, w: 3, h: 4 }, 1);
      if (op.cancelT !== null) engine.addRect({ color: this.colors.cancel, x: ms(op.cancelT) - 1, y, w: 3, h: blockHeight }, 1);
      if (op.id === this.selectedId) engine.addStroke({ color: this.colors.selected, x, y, w, h: blockHeight }, 1);
      this.interactionsEngine.addHitRegion(OP_REGION, op.id, x, y, w, blockHeight);
    }
    if (this.cursorT !== null) engine.addRect({ color: this.colors.cursor, x: ms(this.cursorT) - 1, y: 0, w: 2, h: engine.height }, 2);
  }

  override renderTooltip(): boolean {
    if (!this.hovered) return false;
    const op = this.ops.get(this.hovered.data);
    if (!op) return false;
    const ended = op.end !== null ? `${op.status} after ${formatMs((op.end - op.start) / US_PER_MS)}` : `pending for ${formatMs((this.latestT - op.start) / US_PER_MS)}`;
    const fields = [{ text: `${op.name} #${op.id}` }, { text: ended }];
    if (op.progressT.length > 0) fields.push({ text: `${op.progressT.length} progress report(s) shown` });
    if (op.cancelT !== null) fields.push({ text: `cancel requested at ${formatMs(op.cancelT / US_PER_MS)}` });
    if (op.site) fields.push({ text: op.site });
    fields.push({ text: 'click: show in the Async Operations view' });
    this.renderEngine.renderTooltipFromData(fields, this.interactionsEngine.getGlobalMouse());
    return true;
  }
}

export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)} s`;
  return `${ms.toFixed(ms >= 10 ? 1 : 3)} ms`;
}
