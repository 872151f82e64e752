// `http-server`: one op per incoming request, from `http.server.request.start` (Node 18+) to the
// response's `http.server.response.finish`; a connection that closes first ends it in Error.
// Cancel destroys the request's socket: the program sees a client that went away.
import type { IncomingMessage, ServerResponse } from 'http';
import type { Socket } from 'net';
import { pathOnly, subscribe, type Subscription } from './channels';
import { NodeOp, enterOp, roomForNodeOp } from './nodeOp';

/**
 * Responses being followed, until their 'close'. A Map, not a WeakMap: a WeakMap entry per request
 * made every garbage collection walk them all (10 us a request on an HTTP benchmark).
 */
const live = new Map<object, NodeOp>();

export function observeHttpServer(): Subscription[] {
  return [
    subscribe('http.server.request.start', (m) => started(m.request as IncomingMessage, m.response as ServerResponse, m.socket as Socket)),
    subscribe('http.server.response.finish', (m) => {
      const node = live.get(m.response as object);
      if (node === undefined) return;
      node.set('statusCode', (m.response as ServerResponse).statusCode);
      node.completed();
    }),
  ];
}

function started(request: IncomingMessage, response: ServerResponse, socket: Socket): void {
  if (!roomForNodeOp()) return;
  const method = request.method ?? 'GET';
  const path = pathOnly(request.url);
  const node = new NodeOp({
    source: 'node:http-server',
    name: `${method} ${path}`,
    attributes: { method, url: path },
    cancel: () => {
      socket.destroy();
    },
    parent: 0, // a request comes from outside: whatever ran before on this connection is not its parent
  });
  live.set(response, node);
  // 'close' comes after 'finish' too; before it, the connection went away (or Cancel destroyed it).
  response.once('close', () => {
    live.delete(response);
    if (node.ended) return;
    if (response.writableFinished) node.completed();
    else node.failed('the connection closed before the response was finished');
  });
  // The handler runs next, in this callback: what it starts (a fetch, a child) is this request's.
  enterOp(node.id);
}
