// `fetch`: one op per undici request (what `fetch()` sends, each redirect its own), from
// `undici:request:create` to `undici:request:trailers` (the body came to its end) or
// `undici:request:error`. Node 18+ publish them, from the undici inside Node and from undici
// installed by the program alike. Cancel aborts the request as a lost connection would: the
// program's fetch rejects (or its body stream errors) with an AbortError as the cause.
import { pathOnly, subscribe, type Subscription } from './channels';
import { NodeOp, roomForNodeOp } from './nodeOp';

/** What the channels hand out of undici's request (a few fields, the same on Node 18 to 24). */
interface UndiciRequest {
  method?: unknown;
  origin?: unknown;
  path?: unknown;
  abort?: unknown;
  error?: unknown;
  aborted?: unknown;
  completed?: unknown;
}

/** Requests being followed, until they end (a Map: see httpServer.ts). */
const live = new Map<object, NodeOp>();

export function observeFetch(): Subscription[] {
  return [
    subscribe('undici:request:create', (m) => created(m.request as UndiciRequest)),
    subscribe('undici:request:headers', (m) => {
      const statusCode = (m.response as { statusCode?: unknown } | undefined)?.statusCode;
      if (typeof statusCode === 'number') live.get(m.request as object)?.set('statusCode', statusCode);
    }),
    subscribe('undici:request:trailers', (m) => take(m.request)?.completed()),
    subscribe('undici:request:error', (m) => {
      const message = (m.error as { message?: unknown } | undefined)?.message;
      take(m.request)?.failed(typeof message === 'string' && message ? message : 'the request failed');
    }),
  ];
}

function take(request: unknown): NodeOp | undefined {
  const node = live.get(request as object);
  live.delete(request as object);
  return node;
}

function created(request: UndiciRequest): void {
  if (!roomForNodeOp()) return;
  const method = typeof request.method === 'string' ? request.method : 'GET';
  const url = `${String(request.origin ?? '')}${pathOnly(request.path)}`;
  const node = new NodeOp({
    source: 'node:fetch',
    name: `${method} ${url}`,
    attributes: { method, url },
    cancel: () => abort(request),
  });
  live.set(request as object, node);
}

function abort(request: UndiciRequest): void {
  if (request.aborted === true || request.completed === true) return;
  const error = new Error('This operation was aborted');
  error.name = 'AbortError';
  // Connected: undici's own abort for this request. Not yet: undici aborts it as it connects.
  if (typeof request.abort === 'function') (request.abort as (error: Error) => void)(error);
  else request.error = error;
}
