// dist/runtime.js: Windows Runtime style asynchronous operations for Node.js, observable by debuggers.
export { AsyncInfo, type ConfigureOptions } from './asyncInfo';
export { AsyncStatus, AsyncInfoError } from './errors';
export type {
  CancellationToken, IAsyncInfo, IAsyncAction, IAsyncOperation, IAsyncActionWithProgress,
  IAsyncOperationWithProgress, AsyncCompletedHandler, AsyncProgressHandler, RunOptions,
  OpKind, ForeignAsyncInfo, ObserveOptions, FromPromiseOptions,
} from './types';
export { LIFECYCLE_CHANNEL, HUB_KEY } from '../protocol/hub';
