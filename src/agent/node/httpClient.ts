// `http-client`: one op per outgoing `http`/`https` request, from `http.client.request.start`
// (Node 18+) until its response body ends: `http.client.response.finish` says the response came
// (and its status), the request's 'close' with its response complete that the body ended. An
// error (`http.client.request.error`, where Node 22.13+ publishes it) or a close before the end
// ends it in Error. Cancel: `req.destroy()` with an AbortError, what the program sees when a
// request is aborted.
import type { ClientRequest, IncomingMessage } from 'http';
import { pathOnly, subscribe, type Subscription } from './channels';
import { NodeOp, roomForNodeOp } from './nodeOp';

/** Requests being followed, until their 'close' (a Map: see httpServer.ts). */
const live = new Map<object, NodeOp>();

export function observeHttpClient(): Subscription[] {
  return [
    subscribe('http.client.request.start', (m) => started(m.request as ClientRequest)),
    subscribe('http.client.response.finish', (m) => responded(m.request as ClientRequest, m.response as IncomingMessage)),
    subscribe('http.client.request.error', (m) => {
      const error = m.error as { message?: unknown } | undefined;
      live.get(m.request as object)?.failed(typeof error?.message === 'string' ? error.message : 'the request failed');
    }),
  ];
}

function started(request: ClientRequest): void {
  if (live.has(request) || !roomForNodeOp()) return;
  const method = request.method ?? 'GET';
  const protocol = typeof request.protocol === 'string' ? request.protocol : 'http:';
  const host = request.getHeader('host') ?? request.host;
  const url = `${protocol}//${String(host)}${pathOnly(request.path)}`;
  const node = new NodeOp({
    source: 'node:http-client',
    name: `${method} ${url}`,
    attributes: { method, url },
    cancel: () => {
      request.destroy(abortError());
    },
  });
  live.set(request, node);
  request.once('close', () => {
    live.delete(request);
    if (node.ended) return;
    const response = (request as ClientRequest & { res?: IncomingMessage | null }).res;
    if (response?.complete) node.completed();
    else node.failed(response ? 'the connection closed before the response ended' : 'the request closed before a response came');
  });
}

function responded(request: ClientRequest, response: IncomingMessage): void {
  live.get(request)?.set('statusCode', response.statusCode);
}

/** What `AbortController.abort()` makes a request fail with. */
function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  (error as Error & { code: string }).code = 'ABORT_ERR';
  return error;
}
