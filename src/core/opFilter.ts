// What the view shows under a filter. Text and status filters give one flat list per process;
// `hideFinished` alone keeps the tree but hides finished ops that have no shown descendant.
// Results are cached for one version of the process, so paging through them costs one O(n) pass.
import type { OpFilter, OpStatusName, SiblingGroup } from './model';
import { NESTED, WARNING_MASK, type OpRecord } from './opRecord';
import type { WarningId } from './warnings/rules';
import type { ProcessState } from './processState';

export function isFlat(filter: OpFilter | undefined): boolean {
  return Boolean(filter && (filter.text || (filter.statuses && filter.statuses.size > 0) || (filter.sources && filter.sources.size > 0)
    || (filter.warnings && filter.warnings.size > 0)));
}

/** `fetch` names `node:fetch` too; `runtime` the ops of the runtime's own factories. */
function sourceMatches(sources: ReadonlySet<string>, source: string | undefined): boolean {
  const own = source ?? 'runtime';
  return sources.has(own) || (own.startsWith('node:') && sources.has(own.slice(5)));
}

function warningMatches(wanted: ReadonlySet<WarningId | 'any'>, record: OpRecord): boolean {
  if (!(record.bits & WARNING_MASK)) return false;
  return wanted.has('any') || record.warnings.some((id) => wanted.has(id));
}

export function isActive(filter: OpFilter | undefined): filter is OpFilter {
  return Boolean(filter && (isFlat(filter) || filter.hideFinished || filter.group || filter.name !== undefined || filter.exceptNames?.size));
}

function matcher(filter: OpFilter): (record: OpRecord) => boolean {
  const text = filter.text?.trim().toLowerCase() ?? '';
  const idMatch = /^#(\d+)$/.exec(text);
  const wantedId = idMatch ? Number(idMatch[1]) : undefined;
  const statuses = filter.statuses && filter.statuses.size > 0 ? filter.statuses : undefined;
  const hideFinished = Boolean(filter.hideFinished);
  const sources = filter.sources && filter.sources.size > 0 ? filter.sources : undefined;
  const warnings = filter.warnings && filter.warnings.size > 0 ? filter.warnings : undefined;
  return (r) =>
    (!warnings || warningMatches(warnings, r)) &&
    (!sources || sourceMatches(sources, r.source)) &&
    (text === '' || (wantedId !== undefined ? r.id === wantedId : r.name.toLowerCase().includes(text))) &&
    (!statuses || statuses.has(r.status)) &&
    (!hideFinished || !r.finished);
}

function cacheKey(filter: OpFilter): string {
  const statuses = `${filter.statuses ? [...filter.statuses].sort().join(',') : ''}|${filter.sources ? [...filter.sources].sort().join(',') : ''}|${filter.warnings ? [...filter.warnings].sort().join(',') : ''}`;
  const names = `${filter.name ?? ''}\u0002${filter.exceptNames ? [...filter.exceptNames].join('\u0002') : ''}`;
  return `${filter.text ?? ''}\u0000${statuses}\u0000${filter.hideFinished ? 1 : 0}\u0000${filter.group ?? ''}\u0000${names}`;
}

/** Filtered results of one process, valid while its version does not change. */
export class FilterCache {
  private version = -1;
  private lists = new Map<string, OpRecord[]>();
  private readonly siblingGroups = new Map<string, SiblingGroup[]>();
  private shown: Set<OpRecord> | undefined;

  /** The ops shown in the tree when finished ones are hidden (pending, or above a pending op). */
  live(process: ProcessState): Set<OpRecord> {
    this.sync(process);
    return (this.shown ??= shownInTree(process));
  }

  /** Identical siblings of `parent`, computed once per version of the process. */
  groups(process: ProcessState, parent: number | null, min: number, hideFinished: boolean): SiblingGroup[] {
    this.sync(process);
    const key = `${parent ?? ''}/${min}/${hideFinished ? 1 : 0}`;
    let groups = this.siblingGroups.get(key);
    if (!groups) {
      if (this.siblingGroups.size > 64) this.siblingGroups.clear();
      this.siblingGroups.set(key, (groups = siblingGroupsOf(process, this, parent, min, hideFinished)));
    }
    return groups;
  }

  private sync(process: ProcessState): void {
    if (this.version !== process.version) {
      this.version = process.version;
      this.lists.clear();
      this.siblingGroups.clear();
      this.shown = undefined;
    }
  }

  /** The filtered children of `parent` (null: the process's roots, or the flat list). */
  children(process: ProcessState, parent: number | null, filter: OpFilter): OpRecord[] {
    this.sync(process);
    const flat = isFlat(filter);
    if (flat && parent !== null) return [];
    const key = `${parent ?? ''}\u0001${cacheKey(filter)}`;
    let list = this.lists.get(key);
    if (list) return list;
    if (flat) {
      const matches = matcher(filter);
      list = [];
      for (const r of process.ops.values()) if (matches(r)) list.push(r); // Map order is creation order
    } else {
      const source = parent === null ? process.roots : process.ops.get(parent)?.children;
      // Live: pending, or above a pending op. Hiding finished ops shows only those; a group asks for one side.
      const live = (this.shown ??= shownInTree(process));
      if (filter.group === 'finished' && filter.hideFinished) return [];
      // No group asked (a group's members, Sort by Age): every child, finished ones unless hidden.
      const wanted = (r: OpRecord) => (filter.group === undefined ? !filter.hideFinished || live.has(r) : live.has(r) === (filter.group === 'live'));
      const name = filter.name;
      const except = filter.exceptNames?.size ? filter.exceptNames : undefined;
      list = [];
      source?.forEach((r) => {
        if (wanted(r) && (name === undefined || r.name === name) && (!except || !except.has(r.name))) list!.push(r);
      });
      if (filter.group === 'finished') list.reverse(); // the latest to finish first, as a log reads
    }
    if (this.lists.size > 16) this.lists.clear(); // a view asks for a handful of parents per version
    this.lists.set(key, list);
    return list;
  }
}

/** Identical siblings of `parent`: names shared by at least `min` of its children. */
function siblingGroupsOf(process: ProcessState, cache: FilterCache, parent: number | null, min: number, hideFinished: boolean): SiblingGroup[] {
  const source = parent === null ? process.roots : process.ops.get(parent)?.children;
  if (!source || min < 2 || source.size < min) return [];
  const live = cache.live(process);
  const byName = new Map<string, { count: number; byStatus: Record<OpStatusName, number>; live: boolean; warned: number }>();
  source.forEach((r) => {
    const isLive = live.has(r);
    if (hideFinished && !isLive) return;
    let g = byName.get(r.name);
    if (!g) byName.set(r.name, (g = { count: 0, byStatus: { Started: 0, Completed: 0, Canceled: 0, Error: 0 }, live: false, warned: 0 }));
    g.count++;
    g.byStatus[r.status]++;
    if (isLive) g.live = true;
    if (r.bits & WARNING_MASK) g.warned++;
  });
  const out: SiblingGroup[] = [];
  for (const [name, g] of byName) if (g.count >= min) out.push({ name, ...g });
  return out;
}

/** Unfinished ops and every op above one (live): one pass up from each unfinished op, stopping at marked ones. */
function shownInTree(process: ProcessState): Set<OpRecord> {
  const shown = new Set<OpRecord>();
  for (const r of process.ops.values()) {
    if (r.finished) continue;
    for (let at: OpRecord | undefined = r; at && !shown.has(at); ) {
      shown.add(at);
      at = at.bits & NESTED ? process.ops.get(at.parent!) : undefined;
    }
  }
  return shown;
}
