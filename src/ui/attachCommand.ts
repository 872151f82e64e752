// "Attach to Async Channel...": connect to a program started elsewhere with ASYNCINFO_LISTEN.
import * as vscode from 'vscode';
import { attach, parseAttachAddress, type AttachTarget } from '../transport/attachClient';
import { plain } from './untrusted';
import type { OperationsFeed } from '../session/operationsFeed';

/** Arguments that skip the prompts (tasks, keybindings, tests): `{ address, token? }`. */
export interface AttachArgs {
  address: string;
  token?: string;
}

export async function attachInteractively(feed: OperationsFeed, args?: AttachArgs): Promise<void> {
  if (args && typeof args.address === 'string') {
    const connection = await attach(parseAttachAddress(args.address), args.token);
    feed.adopt(connection, 'attach');
    return;
  }
  const address = await vscode.window.showInputBox({
    title: 'Attach to Async Channel (1/2)',
    prompt: 'The address the program listens on (ASYNCINFO_LISTEN): a socket path, or HOST:PORT',
    placeHolder: '127.0.0.1:9229 or /tmp/app.sock',
    ignoreFocusOut: true,
    validateInput: (value) => {
      try {
        parseAttachAddress(value);
        return undefined;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  if (address === undefined) return;
  const target: AttachTarget = parseAttachAddress(address);
  let token: string | undefined;
  if (target.kind === 'tcp') {
    token = await vscode.window.showInputBox({
      title: 'Attach to Async Channel (2/2)',
      prompt: 'The token the program was started with (ASYNCINFO_TOKEN)',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value ? undefined : 'TCP channels need the token.'),
    });
    if (token === undefined) return;
  }
  try {
    const connection = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Attaching to ${address}...` },
      () => attach(target, token),
    );
    feed.adopt(connection, 'attach');
  } catch (error) {
    void vscode.window.showErrorMessage(`Could not attach to ${plain(address)}: ${plain((error as Error).message)}`);
  }
}
