// The contract's "State x call" table, cell by cell, for every kind of op. Shared: observed
// shims are held to the same table (observe.test.ts).
import * as assert from 'node:assert';
import { STATES, STATUS_OF, inState, started, type Fixture, type KindCase, type State } from './fixtures';
import {
  AsyncStatus, E_ILLEGAL_DELEGATE_ASSIGNMENT, E_ILLEGAL_METHOD_CALL, E_ILLEGAL_STATE_CHANGE,
  assertAsyncInfoError, settled,
} from './support';

const illegalCall = (fn: () => unknown) => assertAsyncInfoError(fn, 'E_ILLEGAL_METHOD_CALL', E_ILLEGAL_METHOD_CALL);
const isTerminal = (s: State) => s === 'Completed' || s === 'Canceled' || s === 'Error';

export function describeStateTable(title: string, kindCase: KindCase): void {
  describe(`${title}: state x call (${kindCase.kind})`, () => {
    for (const state of STATES) {
      describe(`in state ${state}`, () => {
        let f: Fixture;
        beforeEach(async () => {
          f = await inState(kindCase, state);
        });

        if (state === 'Closed') {
          it('id, status and errorCode throw E_ILLEGAL_METHOD_CALL', () => {
            illegalCall(() => f.op.id);
            illegalCall(() => f.op.status);
            illegalCall(() => f.op.errorCode);
          });
          it('cancel() and close() are no-ops', () => {
            f.op.cancel();
            f.op.close();
            illegalCall(() => f.op.status);
          });
          it('setting completed throws E_ILLEGAL_METHOD_CALL (first time and again)', () => {
            let runs = 0;
            illegalCall(() => { f.op.completed = () => { runs++; }; });
            illegalCall(() => { f.op.completed = null; });
            assert.strictEqual(runs, 0);
          });
          it('getResults() throws E_ILLEGAL_METHOD_CALL', () => {
            illegalCall(() => f.op.getResults());
          });
          if (kindCase.hasProgress) {
            it('setting progress throws E_ILLEGAL_METHOD_CALL', () => {
              illegalCall(() => { f.op.progress = () => {}; });
            });
          }
          return;
        }

        it(`id is a stable non-zero uint32; status reads ${STATUS_OF[state]}`, () => {
          const id = f.op.id;
          assert.ok(Number.isInteger(id) && id > 0 && id <= 0xffffffff, `id ${id}`);
          assert.strictEqual(f.op.id, id);
          assert.strictEqual(f.op.status, STATUS_OF[state]);
        });

        it(state === 'Error' ? 'errorCode is the failure code' : 'errorCode is 0', () => {
          assert.strictEqual(f.op.errorCode, state === 'Error' ? f.error.number : 0);
        });

        if (state === 'Started') {
          it('cancel() -> CancelRequested: status Canceled, token reports it, signal aborts, no handler call', () => {
            let calls = 0;
            f.op.completed = () => { calls++; };
            const signal = f.token.signal;
            let aborted = 0;
            signal.addEventListener('abort', () => { aborted++; });
            f.op.cancel();
            assert.strictEqual(f.op.status, AsyncStatus.Canceled);
            assert.strictEqual(f.token.isCancellationRequested, true);
            assert.strictEqual(signal.aborted, true);
            assert.strictEqual(aborted, 1);
            assert.strictEqual(calls, 0);
          });
          it('close() throws E_ILLEGAL_STATE_CHANGE and leaves the op Started', () => {
            assertAsyncInfoError(() => f.op.close(), 'E_ILLEGAL_STATE_CHANGE', E_ILLEGAL_STATE_CHANGE);
            assert.strictEqual(f.op.status, AsyncStatus.Started);
            f.work.resolve(f.result);
          });
        } else {
          it('cancel() is a no-op', async () => {
            const before = { status: f.op.status, errorCode: f.op.errorCode, signalAborted: f.token.signal.aborted };
            f.op.cancel();
            await settled();
            assert.deepStrictEqual(
              { status: f.op.status, errorCode: f.op.errorCode, signalAborted: f.token.signal.aborted }, before);
            assert.strictEqual(f.token.isCancellationRequested, state === 'CancelRequested' || state === 'Canceled');
          });
          it('close() -> Closed', () => {
            f.op.close();
            illegalCall(() => f.op.status);
          });
        }

        it('completed = h (first time) ' + (state === 'Started' ? 'is stored and fires later' : 'fires now, synchronously'), async () => {
          const calls: [unknown, number][] = [];
          const handler = (op: unknown, status: number) => { calls.push([op, status]); };
          f.op.completed = handler;
          assert.strictEqual(f.op.completed, handler);
          if (state === 'Started') {
            assert.strictEqual(calls.length, 0);
            f.work.resolve(f.result);
            await settled();
            assert.deepStrictEqual(calls, [[f.op, AsyncStatus.Completed]]);
          } else {
            assert.deepStrictEqual(calls, [[f.op, STATUS_OF[state]]]);
          }
        });

        it('completed = null (first time) takes the slot', async () => {
          f.op.completed = null;
          assert.strictEqual(f.op.completed, null);
          let runs = 0;
          assertAsyncInfoError(() => { f.op.completed = () => { runs++; }; }, 'E_ILLEGAL_DELEGATE_ASSIGNMENT', E_ILLEGAL_DELEGATE_ASSIGNMENT);
          f.work.resolve(f.result);
          await settled();
          assert.strictEqual(runs, 0);
        });

        it('completed = h (again) throws E_ILLEGAL_DELEGATE_ASSIGNMENT; h never runs', async () => {
          const first: number[] = [];
          let secondRuns = 0;
          f.op.completed = (_op, status) => { first.push(status); };
          assertAsyncInfoError(() => { f.op.completed = () => { secondRuns++; }; }, 'E_ILLEGAL_DELEGATE_ASSIGNMENT', E_ILLEGAL_DELEGATE_ASSIGNMENT);
          f.work.resolve(f.result);
          await settled();
          assert.strictEqual(secondRuns, 0);
          assert.strictEqual(first.length, 1);
        });

        if (kindCase.hasProgress) {
          if (state === 'Started' || state === 'CancelRequested') {
            it('progress = p replaces the handler', () => {
              const got: string[] = [];
              const p1 = () => { got.push('p1'); };
              const p2 = () => { got.push('p2'); };
              f.op.progress = p1;
              f.op.progress = p2;
              assert.strictEqual(f.op.progress, p2);
              f.report(1);
              assert.deepStrictEqual(got, state === 'Started' ? ['p2'] : []);
            });
          } else {
            it('progress = p is accepted and never fires', async () => {
              let fired = 0;
              const p = () => { fired++; };
              f.op.progress = p;
              assert.strictEqual(f.op.progress, p);
              f.report(1);
              await settled();
              assert.strictEqual(fired, 0);
            });
          }
        }

        it('getResults() ' + ({
          Started: 'throws E_ILLEGAL_METHOD_CALL', CancelRequested: 'throws E_ILLEGAL_METHOD_CALL',
          Completed: 'returns the result', Canceled: 'throws E_ILLEGAL_METHOD_CALL', Error: "throws the work's error",
        } as const)[state], () => {
          if (state === 'Completed') assert.strictEqual(f.op.getResults(), kindCase.hasResult ? f.result : undefined);
          else if (state === 'Error') assert.throws(() => f.op.getResults(), (e) => e === f.error);
          else illegalCall(() => f.op.getResults());
        });

        if (state === 'Started' || state === 'CancelRequested') {
          const expected = state === 'Started' ? AsyncStatus.Completed : AsyncStatus.Canceled;
          it(`work resolves -> ${AsyncStatus[expected]}, handler fires once`, async () => {
            const calls: number[] = [];
            f.op.completed = (op, status) => { calls.push(status); assert.strictEqual(op.status, status); };
            // A CancelRequested op's handler fires at once when set; it must not fire again.
            const before = calls.length;
            f.work.resolve(f.result);
            await settled();
            assert.strictEqual(f.op.status, expected);
            assert.deepStrictEqual(calls, [expected]);
            assert.strictEqual(before, state === 'Started' ? 0 : 1);
          });
          const afterReject = state === 'Started' ? AsyncStatus.Error : AsyncStatus.Canceled;
          it(`work rejects -> ${AsyncStatus[afterReject]}, handler fires once`, async () => {
            const calls: number[] = [];
            f.op.completed = (_op, status) => { calls.push(status); };
            f.work.reject(f.error);
            await settled();
            assert.strictEqual(f.op.status, afterReject);
            assert.deepStrictEqual(calls, [afterReject]);
            if (state === 'Started') {
              assert.strictEqual(f.op.errorCode, f.error.number);
              assert.throws(() => f.op.getResults(), (e) => e === f.error);
            } else {
              assert.strictEqual(f.op.errorCode, 0);
              illegalCall(() => f.op.getResults());
            }
          });
        }

        if (isTerminal(state)) {
          it('the outcome is final: nothing the program does afterwards changes it', async () => {
            const before = { status: f.op.status, errorCode: f.op.errorCode };
            f.op.cancel();
            f.work.reject(new Error('late'));
            await settled();
            assert.deepStrictEqual({ status: f.op.status, errorCode: f.op.errorCode }, before);
          });
        }

        if (kindCase.hasProgress) {
          it(state === 'Started' ? 'report(v) calls p(op, v) synchronously' : 'report(v) is not delivered', async () => {
            const got: [unknown, unknown][] = [];
            f.op.progress = (op, value) => { got.push([op, value]); };
            f.report('half');
            assert.deepStrictEqual(got, state === 'Started' ? [[f.op, 'half']] : []);
            await settled();
            assert.strictEqual(got.length, state === 'Started' ? 1 : 0);
          });
        }
      });
    }

    it('a Closed op ignores report(v) and its work settling', async () => {
      const f = started(kindCase);
      let fired = 0;
      if (kindCase.hasProgress) f.op.progress = () => { fired++; };
      f.op.completed = () => { fired++; };
      f.op.cancel();
      f.op.close();
      if (kindCase.hasProgress) f.report(1);
      f.work.resolve(f.result);
      await settled();
      assert.strictEqual(fired, 0);
      illegalCall(() => f.op.status);
    });
  });
}
