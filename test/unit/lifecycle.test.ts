// Issue 22 item 5: what is added to a disposed store is disposed at once, and a core that finishes building after
// its owner (Services) was disposed is disposed when it arrives, so its ledger file does not stay open.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DisposableStore, LazyDisposable, setUnexpectedErrorHandler, toDisposable, type IDisposable } from '../../src/core/base/lifecycle';
import { hasErrorCode } from '../../src/core/base/errors';

/** A stand-in for the core: counts its disposals. */
class FakeCore implements IDisposable {
  disposals = 0;
  dispose(): void {
    this.disposals++;
  }
}

/** A build that finishes when the test says so. */
function gatedBuild<T>(make: () => T) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let builds = 0;
  return {
    build: async () => {
      builds++;
      await gate;
      return make();
    },
    release: () => release(),
    builds: () => builds,
  };
}

describe('DisposableStore', () => {
  test('disposes what it holds once, and what is added after dispose at once', () => {
    const store = new DisposableStore();
    const log: string[] = [];
    store.add(toDisposable(() => log.push('a')));
    store.add(
      toDisposable(() => {
        throw new Error('b fails');
      }),
    );
    store.add(toDisposable(() => log.push('c')));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['a', 'c'], 'a failing item does not stop the rest; a second dispose does nothing');
    store.add(toDisposable(() => log.push('late')));
    assert.deepEqual(log, ['a', 'c', 'late']);
  });
});

describe('LazyDisposable (the core Services builds on first use)', () => {
  test('disposed while the build is pending: the value is disposed when it arrives, and callers are told', async () => {
    const core = new FakeCore();
    const gated = gatedBuild(() => core);
    const lazy = new LazyDisposable(gated.build);
    const asked = lazy.get();
    lazy.dispose();
    gated.release();
    await assert.rejects(asked, (e: unknown) => hasErrorCode(e, 'cancelled'));
    assert.equal(core.disposals, 1, 'the late core was disposed');
    assert.equal(lazy.value, undefined);
    await assert.rejects(lazy.get(), (e: unknown) => hasErrorCode(e, 'cancelled'));
    assert.equal(gated.builds(), 1, 'nothing is built after dispose');
  });

  test('one build for concurrent callers; disposed with its owner; a failed build is tried again', async () => {
    let attempt = 0;
    const built: FakeCore[] = [];
    const kept: FakeCore[] = [];
    const lazy = new LazyDisposable(
      async () => {
        if (attempt++ === 0) throw new Error('storage folder not writable');
        const core = new FakeCore();
        built.push(core);
        return core;
      },
      (core) => kept.push(core),
    );
    await assert.rejects(lazy.get(), /not writable/);
    const [a, b] = await Promise.all([lazy.get(), lazy.get()]);
    assert.equal(a, b);
    assert.deepEqual([built.length, kept.length, lazy.value === a], [1, 1, true]);
    lazy.dispose();
    assert.equal(a.disposals, 1);
  });

  test('an onBuilt that throws is reported; the value is kept and every get() returns it, built once', async () => {
    const reported: unknown[] = [];
    const handler = setUnexpectedErrorHandler((e) => reported.push(e));
    try {
      let builds = 0;
      const lazy = new LazyDisposable(
        async () => {
          builds++;
          return new FakeCore();
        },
        () => {
          throw new Error('a state listener failed');
        },
      );
      const first = await lazy.get();
      assert.equal(await lazy.get(), first);
      assert.equal(lazy.value, first);
      assert.equal(builds, 1);
      assert.match(String(reported[0]), /a state listener failed/);
      lazy.dispose();
      assert.equal(first.disposals, 1);
    } finally {
      handler.dispose();
    }
  });
});
