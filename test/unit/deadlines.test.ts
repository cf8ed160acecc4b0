import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline, armedDeadlines } from '../../src/core/net/deadlines';

const timers = () => process.getActiveResourcesInfo().filter((t) => t === 'Timeout').length;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('many armed deadlines run on one timer and fire in order; none is left once they have', async () => {
  const before = timers();
  const fired: number[] = [];
  const ds = [60, 20, 40].map((ms) => {
    const d: Deadline = new Deadline(() => fired.push(due.get(d)!));
    d.arm(ms);
    return d;
  });
  // The order they are due in (on a stalled machine the arming itself may take longer than the gaps).
  const due = new Map(ds.map((d) => [d, d.at]));
  assert.equal(armedDeadlines(), 3);
  assert.ok(timers() <= before + 1, 'one timer for the three');
  await wait(150);
  assert.deepEqual(
    fired,
    [...due.values()].sort((a, b) => a - b),
  );
  assert.equal(armedDeadlines(), 0);
  assert.ok(timers() <= before);
  void ds;
});

test('re-arming postpones (a refresh per chunk), disarming cancels and stops the timer', async () => {
  const before = timers();
  let idle = 0;
  const d = new Deadline(() => idle++);
  d.arm(30);
  d.arm(60_000);
  await wait(80);
  assert.equal(idle, 0, 'the refresh moved the deadline past the first arming');
  d.arm(10);
  await wait(60);
  assert.equal(idle, 1);
  const c = new Deadline(() => assert.fail('a disarmed deadline fired'));
  c.arm(10);
  c.disarm();
  assert.ok(timers() <= before);
  await wait(30);
});

test('a deadline armed earlier than the one the timer waits for fires on time', async () => {
  const fired: string[] = [];
  const late = new Deadline(() => fired.push('late'));
  late.arm(500);
  const early = new Deadline(() => fired.push('early'));
  early.arm(20);
  await wait(80);
  assert.deepEqual(fired, ['early']);
  late.disarm();
  assert.equal(armedDeadlines(), 0);
});

test('a disarmed deadline leaves its timer asleep (no active timer); a later deadline still fires, once, and then none is left', async () => {
  const before = timers();
  const fired: string[] = [];
  const first = new Deadline(() => fired.push('first'));
  first.arm(20);
  first.disarm();
  assert.ok(timers() <= before, 'nothing armed: no active timer');
  const second = new Deadline(() => fired.push('second'));
  second.arm(50);
  await wait(150);
  assert.deepEqual(fired, ['second']);
  assert.equal(armedDeadlines(), 0);
  assert.ok(timers() <= before);
});
