// "download status:Started,Error" -> { text: 'download', statuses: {Started, Error} }.
import type { OpFilter, OpStatusName } from '../core/model';
import { isWarningId, WARNING_IDS, type WarningId } from '../core/warnings/rules';

export const OP_STATUSES: readonly OpStatusName[] = ['Started', 'Completed', 'Canceled', 'Error'];
const STATUSES = OP_STATUSES;

export function parseFilter(input: string, hideFinished: boolean): OpFilter | string {
  const words = input.trim().split(/\s+/).filter(Boolean);
  const text: string[] = [];
  const statuses = new Set<OpStatusName>();
  const sources = new Set<string>();
  const warnings = new Set<WarningId | 'any'>();
  for (const word of words) {
    if (/^is:warnings?$/i.test(word)) {
      warnings.add('any');
      continue;
    }
    const warning = /^warning:(.*)$/i.exec(word);
    if (warning) {
      for (const name of warning[1].split(',').filter(Boolean)) {
        const id = name.toLowerCase();
        if (!isWarningId(id)) return `Unknown warning "${name}": use ${WARNING_IDS.join(', ')}.`;
        warnings.add(id);
      }
      continue;
    }
    const source = /^source:(.*)$/i.exec(word);
    if (source) {
      for (const name of source[1].split(',').filter(Boolean)) sources.add(name);
      continue;
    }
    const match = /^status:(.*)$/i.exec(word);
    if (!match) {
      text.push(word);
      continue;
    }
    for (const name of match[1].split(',').filter(Boolean)) {
      const status = STATUSES.find((s) => s.toLowerCase() === name.toLowerCase());
      if (!status) return `Unknown status "${name}": use ${STATUSES.join(', ')}.`;
      statuses.add(status);
    }
  }
  return { text: text.join(' ') || undefined, statuses: statuses.size ? statuses : undefined, sources: sources.size ? sources : undefined, warnings: warnings.size ? warnings : undefined, hideFinished };
}

export function formatFilter(filter: OpFilter): string {
  const parts = filter.text ? [filter.text] : [];
  if (filter.statuses?.size) parts.push(`status:${[...filter.statuses].join(',')}`);
  if (filter.sources?.size) parts.push(`source:${[...filter.sources].join(',')}`);
  if (filter.warnings?.has('any')) parts.push('is:warning');
  const ids = [...(filter.warnings ?? [])].filter((id) => id !== 'any');
  if (ids.length) parts.push(`warning:${ids.join(',')}`);
  return parts.join(' ');
}
