// Every command, view, context key and setting id the extension contributes, in one place.
// package.json declares the same ids; a unit test keeps the two in step.
import { DEFAULT_WARNING_SETTINGS } from './core/warnings/rules';
import { DEFAULT_SITE_BUDGET, type NodeSource, type ParentMode, type SiteMode } from './protocol/environment';

export const VIEW_ID = 'asyncOperations.view';
export const OUTPUT_NAME = 'Async Operations';
/** The timeline webview panel's type (Show Timeline). */
export const TIMELINE_VIEW_TYPE = 'asyncOperations.timeline';

export const enum Commands {
  CancelOperation = 'asyncOperations.cancelOperation',
  CloseOperation = 'asyncOperations.closeOperation',
  CancelAllPending = 'asyncOperations.cancelAllPending',
  ClearFinished = 'asyncOperations.clearFinished',
  Filter = 'asyncOperations.filter',
  ClearFilter = 'asyncOperations.clearFilter',
  ShowFinished = 'asyncOperations.showFinished',
  HideFinished = 'asyncOperations.hideFinished',
  ShowMore = 'asyncOperations.showMore',
  OpenSite = 'asyncOperations.openSite',
  Attach = 'asyncOperations.attach',
  Disconnect = 'asyncOperations.disconnect',
  RemoveProcess = 'asyncOperations.removeProcess',
  StartRecording = 'asyncOperations.startRecording',
  StopRecording = 'asyncOperations.stopRecording',
  OpenTrace = 'asyncOperations.openTrace',
  ExportTrace = 'asyncOperations.exportTrace',
  SortByAge = 'asyncOperations.sortByAge',
  SortPendingFirst = 'asyncOperations.sortPendingFirst',
  ShowTimeline = 'asyncOperations.showTimeline',
  ReplayPrevious = 'asyncOperations.replayPrevious',
  ReplayNext = 'asyncOperations.replayNext',
  ReplayEnd = 'asyncOperations.replayEnd',
}

export const enum ContextKeys {
  /** A process is connected or a trace is open: the view is worth showing outside debugging. */
  HasProcesses = 'asyncOperations.hasProcesses',
  HidingFinished = 'asyncOperations.hidingFinished',
  Filtered = 'asyncOperations.filtered',
  Recording = 'asyncOperations.recording',
  SortedByAge = 'asyncOperations.sortedByAge',
  /** A trace is open: it can be replayed. */
  HasTrace = 'asyncOperations.hasTrace',
  /** The tree shows a moment of a trace (a replay cursor is placed). */
  Replaying = 'asyncOperations.replaying',
}

export const CONFIG_SECTION = 'asyncOperations';

export const enum Settings {
  InjectAgent = 'injectAgent',
  CreationSites = 'creationSites',
  CreationSiteBudget = 'creationSiteBudget',
  Parents = 'parents',
  NodeOperations = 'nodeOperations',
  MaxFinished = 'retention.maxFinished',
  FinishedTtlSeconds = 'retention.finishedSeconds',
  MaxExitedProcesses = 'retention.exitedProcesses',
  PageSize = 'pageSize',
  WarnCancelIgnored = 'warnings.cancel-ignored',
  WarnLongPending = 'warnings.long-pending',
  WarnOrphaned = 'warnings.orphaned',
  WarnUnobservedError = 'warnings.unobserved-error',
  WarnNeverClosed = 'warnings.never-closed',
  GroupIdenticalSiblings = 'groupIdenticalSiblings',
}

/** Each setting's default; package.json declares the same (a unit test keeps them in step). */
export const SETTING_DEFAULTS: {
  [Settings.InjectAgent]: boolean;
  [Settings.CreationSites]: SiteMode;
  [Settings.CreationSiteBudget]: number;
  [Settings.Parents]: ParentMode;
  [Settings.NodeOperations]: NodeSource[];
  [Settings.MaxFinished]: number;
  [Settings.FinishedTtlSeconds]: number;
  [Settings.MaxExitedProcesses]: number;
  [Settings.PageSize]: number;
  [Settings.WarnCancelIgnored]: number | boolean;
  [Settings.WarnLongPending]: number | boolean;
  [Settings.WarnOrphaned]: number | boolean;
  [Settings.WarnUnobservedError]: number | boolean;
  [Settings.WarnNeverClosed]: number | boolean;
  [Settings.GroupIdenticalSiblings]: number;
} = {
  [Settings.InjectAgent]: true,
  [Settings.CreationSites]: 'frame',
  [Settings.CreationSiteBudget]: DEFAULT_SITE_BUDGET,
  [Settings.Parents]: 'async',
  // Timers are many: on only when asked for.
  [Settings.NodeOperations]: ['http-server', 'http-client', 'fetch', 'child-process'],
  [Settings.MaxFinished]: 10_000,
  [Settings.FinishedTtlSeconds]: 0,
  [Settings.MaxExitedProcesses]: 20,
  [Settings.PageSize]: 1000,
  [Settings.WarnCancelIgnored]: DEFAULT_WARNING_SETTINGS['cancel-ignored'],
  [Settings.WarnLongPending]: DEFAULT_WARNING_SETTINGS['long-pending'],
  [Settings.WarnOrphaned]: DEFAULT_WARNING_SETTINGS.orphaned,
  [Settings.WarnUnobservedError]: DEFAULT_WARNING_SETTINGS['unobserved-error'],
  [Settings.WarnNeverClosed]: DEFAULT_WARNING_SETTINGS['never-closed'],
  [Settings.GroupIdenticalSiblings]: 50,
};

/** contextValue of tree rows; `when` clauses in package.json match these. */
export const enum RowContext {
  Started = 'op.started',
  /** Started, but the program said a Cancel cannot act on it: no Cancel offered. */
  StartedCannotCancel = 'op.startedCannotCancel',
  CancelRequested = 'op.cancelRequested',
  Finished = 'op.finished',
  Closed = 'op.closed',
  /** The program no longer has it: no Cancel, no Close. */
  Released = 'op.released',
  ReadOnly = 'op.readonly',
  Session = 'session',
  Process = 'process',
  ProcessAttached = 'process.attached',
  ProcessTrace = 'process.trace',
  /** Its debug session ended: kept as it last was, removable. */
  ProcessEnded = 'process.ended',
  More = 'more',
  FinishedGroup = 'finishedGroup',
  /** Identical siblings folded into one row. */
  Siblings = 'siblings',
}
