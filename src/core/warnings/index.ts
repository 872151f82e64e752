// The warnings' public face, for the view and for tools that read traces (a summary prints
// `collectWarnings(store, key)` for each process: the warnings of the trace's last moment).
export { collectWarnings, describeWarning, warningsAt, type CollectOptions, type OpWarning, type Warning } from './evaluate';
export {
  DEFAULT_WARNING_SETTINGS, isWarningId, RULES, WARNING_IDS, warningDelays,
  type WarnableOp, type WarningDelays, type WarningId, type WarningRule, type WarningSettings,
} from './rules';
