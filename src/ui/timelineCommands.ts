// Show Timeline and the replay's step commands (the view's title buttons and the palette).
import * as vscode from 'vscode';
import { Commands } from '../contributions';
import type { TreeElement } from './operationsTree';
import { TimelinePanel, type TimelineDeps } from './timelinePanel';

export function registerTimelineCommands(deps: TimelineDeps): vscode.Disposable[] {
  const { replay, view } = deps;
  /** The trace a step acts on: the timeline's, else the selected row's, else the last one moved. */
  const traceKey = (): string | undefined => {
    const shown = TimelinePanel.shown?.processKey;
    if (shown && replay.has(shown)) return shown;
    const selected = keyOf(view.selection[0]);
    return selected && replay.has(selected) ? selected : replay.current;
  };
  return [
    // From a row's menu the row comes as the argument: its process is shown.
    vscode.commands.registerCommand(Commands.ShowTimeline, (element?: TreeElement) => {
      TimelinePanel.show(deps, keyOf(element) ?? keyOf(view.selection[0]));
    }),
    vscode.commands.registerCommand(Commands.ReplayPrevious, () => replay.step(traceKey(), -1)),
    vscode.commands.registerCommand(Commands.ReplayNext, () => replay.step(traceKey(), 1)),
    vscode.commands.registerCommand(Commands.ReplayEnd, () => replay.end(traceKey())),
    { dispose: () => TimelinePanel.shown?.dispose() },
  ];
}

function keyOf(element: TreeElement | undefined): string | undefined {
  return element && 'key' in element ? element.key : undefined;
}
