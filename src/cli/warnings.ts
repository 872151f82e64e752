// Where the summary's warnings come from. The warning rules (issue 11, src/core/warnings/) are not
// in this build yet: until they are, the summary says nothing about warnings (rather than "none").
import type { WarningSource } from '../core/export/traceSummary';

export function warningRules(): WarningSource | undefined {
  return undefined;
}
