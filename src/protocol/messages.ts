// Wire protocol v1: the messages an agent sends and the commands it takes back. The README's
// "The debug channel" section describes it for users; `schema.ts` holds the fields each message
// must have. Receivers ignore fields and types they don't know.

export const PROTOCOL_VERSION = 1;

export const OP_KINDS = ['action', 'operation', 'actionWithProgress', 'operationWithProgress'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** Integer microseconds since `hello.timeOrigin`. */
export type Micros = number;

export interface HelloMessage {
  type: 'hello';
  protocol: number;
  pid: number;
  ppid: number;
  title: string;
  argv: string[];
  cwd: string;
  node: string;
  session: string | null;
  /** `performance.timeOrigin` of the process, in epoch milliseconds. */
  timeOrigin: number;
  /** Present when the agent connects out over TCP, so the client can refuse strangers. */
  token?: string;
}

export interface CreatedMessage {
  type: 'created';
  id: number;
  t: Micros;
  kind: OpKind;
  name: string;
  parent: number | null;
  site: string | null;
  /** The whole creation stack, async frames included, when the program captures it (sites `async`). */
  stack?: string;
  /** Where it comes from: absent or 'runtime' (the factories), 'observed', 'promise', 'node:<source>'. */
  source?: string;
  /** false when a Cancel cannot act on this op; absent means it can. */
  canCancel?: boolean;
  /** At most 16 keys; strings of at most 256 characters, numbers or booleans. */
  attributes?: Record<string, string | number | boolean>;
}

export interface ProgressMessage { type: 'progress'; id: number; t: Micros; value: unknown }
export interface CancelRequestedMessage { type: 'cancelRequested'; id: number; t: Micros; source: 'program' | 'client' }
export interface CompletedMessage { type: 'completed'; id: number; t: Micros }
export interface CanceledMessage { type: 'canceled'; id: number; t: Micros }
export interface ErrorMessage {
  type: 'error'; id: number; t: Micros; errorCode: number; message: string;
  /** `false` when nobody could see the error as it happened: no `completed` handler, no awaiter
   *  (`then` never called), no `toPromise`. Absent means someone could (or an older runtime). An
   *  `observed` message follows if the program looks later (e.g. `await op` a tick after the error). */
  observed?: boolean;
}
export interface ClosedMessage { type: 'closed'; id: number; t: Micros }
/** Extension of v1: the program looked at an op whose `error` said `"observed": false` (a handler,
 *  an awaiter or `toPromise` came after the error). Sent at most once per op. */
export interface ErrorObservedMessage { type: 'errorObserved'; id: number; t: Micros }
export interface DroppedMessage { type: 'dropped'; count: number; t: Micros }
export interface SnapshotEndMessage { type: 'snapshotEnd'; t: Micros }
/** Extension of v1: opens a fresh snapshot sent on a `resync` command (then `snapshotEnd`). */
export interface SnapshotStartMessage { type: 'snapshotStart'; t: Micros }

export interface ReplyError { code: string; message: string }
/** One id of a `cancelMany` that could not be canceled, and why. */
export interface ReplyFailure { id: number; code: string; message: string }
export interface ReplyMessage {
  type: 'reply'; req: number | string | null; ok: boolean; error?: ReplyError;
  /** Only in the reply to `cancelMany` (always there, empty when every id was canceled). */
  failed?: ReplyFailure[];
}

/** The lifecycle of one op: what the runtime publishes and the agent forwards verbatim. */
export type LifecycleMessage =
  | CreatedMessage
  | ProgressMessage
  | CancelRequestedMessage
  | CompletedMessage
  | CanceledMessage
  | ErrorMessage
  | ClosedMessage
  | ErrorObservedMessage;

export type TerminalMessage = CompletedMessage | CanceledMessage | ErrorMessage;

export type AgentMessage = HelloMessage | LifecycleMessage | DroppedMessage | SnapshotStartMessage | SnapshotEndMessage | ReplyMessage;

export interface AuthCommand { type: 'auth'; token: string }
export interface CancelCommand { type: 'cancel'; id: number; req: number | string }
export interface CloseCommand { type: 'close'; id: number; req: number | string }
/** Extension of v1: asks for the whole state again (after `dropped`): snapshotStart, the
 *  snapshot's messages, snapshotEnd, then the reply. */
export interface ResyncCommand { type: 'resync'; req: number | string }
/**
 * Extension of v1: cancels every op in `ids` (at most {@link MAX_IDS_PER_COMMAND}) in one command.
 * Answered by one reply: `ok: true` and `failed` listing the ids that could not be canceled (code
 * and message as `cancel` would answer them; canceling an op that already ended is `ok`, as for
 * `cancel`). `ok: false` (BAD_REQUEST) means nothing was canceled: a malformed command, too many
 * ids, or an older agent that does not know the type; then send one `cancel` per op.
 */
export interface CancelManyCommand { type: 'cancelMany'; ids: number[]; req: number | string }
export type ClientMessage = AuthCommand | CancelCommand | CloseCommand | ResyncCommand | CancelManyCommand;

/** Most ids in one `cancelMany` (its reply stays under 1 MiB even when every id fails). */
export const MAX_IDS_PER_COMMAND = 10000;

/** Reply error codes besides the contract's HRESULT names. */
export const NOT_FOUND = 'NOT_FOUND';
export const BAD_REQUEST = 'BAD_REQUEST';

/** A line longer than this (in bytes) is refused and never executed. */
export const MAX_LINE_BYTES = 1024 * 1024;
