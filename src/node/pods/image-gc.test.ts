import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../client/clock.ts';
import type { EventRecorder } from '../../client/events.ts';
import { FakeCri } from './fake-cri.ts';
import { ImageGC, validateImageGCThresholds, type FsUsage } from './image-gc.ts';

const MB = 1024 * 1024;
const pause = 'registry.berth.local/pause:3.9';

/** A fake image filesystem of 1000 MB whose usage is the sum of the images' sizes plus `other`. */
function setup(sizes: Record<string, number>, other: number) {
  const clock = new FakeClock();
  const cri = new FakeCri(clock);
  cri.images.clear();
  for (const [ref, mb] of Object.entries(sizes)) {
    cri.images.add(ref);
    cri.imageSizes.set(ref, mb * MB);
  }
  const usage = async (): Promise<FsUsage> => {
    let used = other * MB;
    for (const ref of cri.images) used += cri.imageSizes.get(ref) ?? 0;
    return { capacityBytes: 1000 * MB, availableBytes: 1000 * MB - used };
  };
  const events: Array<{ kind?: string; name?: string; type: string; reason: string; message: string }> = [];
  const recorder = {
    event: (obj: { kind?: string; name?: string }, type: string, reason: string, message: string) =>
      events.push({ kind: obj.kind, name: obj.name, type, reason, message }),
  } as unknown as EventRecorder;
  return { clock, cri, usage, events, recorder };
}

async function useImage(cri: FakeCri, image: string): Promise<void> {
  const sb = await cri.runPodSandbox({ metadata: { name: 'p', uid: 'u', namespace: 'n' } });
  await cri.createContainer(sb, { metadata: { name: 'c' }, image: { image } });
}

test('under the high threshold nothing is removed', async () => {
  const { clock, cri, usage } = setup({ a: 100, b: 100 }, 500);
  const gc = new ImageGC({ cri, usage, clock, highThresholdPercent: 85, lowThresholdPercent: 80 });
  const r = await gc.garbageCollect();
  assert.equal(Math.round(r.usagePercent), 70);
  assert.deepEqual(r.removed, []);
  assert.equal(cri.images.size, 2);
});

test('LRU order, in-use and pinned images kept, pause kept', async () => {
  const { clock, cri, usage } = setup({ [pause]: 10, old: 60, mid: 60, recent: 60, busy: 200 }, 500);
  // 890 MB used (89 %); to reach 80 %: free 90 MB.
  const gc = new ImageGC({ cri, usage, clock, keep: [pause] });
  // Passes below the threshold only track use; detect() is such a pass.
  await useImage(cri, 'busy');
  await useImage(cri, 'recent');
  const tracker = gc as unknown as { detect(): Promise<unknown> };
  await tracker.detect();
  clock.advance(60_000);
  // `recent` stops being used (its container removed); `mid` was used a minute later than `old`.
  for (const [id, c] of cri.containers) if (c.config.image.image === 'recent') cri.containers.delete(id);
  await useImage(cri, 'mid');
  await tracker.detect();
  for (const [id, c] of cri.containers) if (c.config.image.image === 'mid') cri.containers.delete(id);
  clock.advance(60_000);
  const r = await gc.garbageCollect();
  assert.equal(Math.round(r.usagePercent), 89);
  assert.equal(r.bytesToFree, 90 * MB);
  // old and recent were last used at t0, mid at t0+60s: old and recent go (120 MB ≥ 90 MB), mid stays.
  assert.deepEqual(r.removed, ['sha256:old', 'sha256:recent']);
  assert.equal(r.freedBytes, 120 * MB);
  assert.ok(cri.images.has('busy') && cri.images.has(pause) && cri.images.has('mid'));
});

test('cannot free enough: a FreeDiskSpaceFailed event on the Node', async () => {
  const { clock, cri, usage, events, recorder } = setup({ [pause]: 10, busy: 400, spare: 50 }, 450);
  await useImage(cri, 'busy');
  const gc = new ImageGC({ cri, usage, clock, keep: [pause], nodeName: 'n1', events: recorder });
  const r = await gc.garbageCollect();
  assert.deepEqual(r.removed, ['sha256:spare']);
  assert.ok(cri.images.has('busy') && cri.images.has(pause));
  assert.equal(events.length, 1);
  assert.equal(events[0]!.kind, 'Node');
  assert.equal(events[0]!.name, 'n1');
  assert.equal(events[0]!.type, 'Warning');
  assert.equal(events[0]!.reason, 'FreeDiskSpaceFailed');
  assert.match(events[0]!.message, /Attempted to free \d+ bytes, but only found 52428800 bytes/);
});

test('a runtime failure is an ImageGCFailed event', async () => {
  const { clock, cri, events, recorder } = setup({ a: 1 }, 0);
  const gc = new ImageGC({
    cri,
    usage: async () => {
      throw new Error('no image filesystem');
    },
    clock,
    nodeName: 'n1',
    events: recorder,
  });
  await assert.rejects(gc.garbageCollect(), /no image filesystem/);
  assert.equal(events[0]?.reason, 'ImageGCFailed');
});

test('periodic passes run on the clock', async () => {
  const { clock, cri, usage } = setup({ a: 500, b: 400 }, 0);
  const gc = new ImageGC({
    cri,
    usage,
    clock,
    periodMs: 1_000,
    highThresholdPercent: 50,
    lowThresholdPercent: 10,
  });
  gc.start();
  assert.equal(cri.images.size, 2);
  clock.advance(1_000);
  for (let i = 0; i < 20 && cri.images.size; i++) await new Promise((r) => setImmediate(r));
  assert.equal(cri.images.size, 0);
  gc.stop();
});

test('threshold validation', () => {
  assert.equal(validateImageGCThresholds(85, 80), undefined);
  assert.match(validateImageGCThresholds(80, 85) ?? '', /must not be above/);
  assert.match(validateImageGCThresholds(101, 80) ?? '', /high-threshold/);
  assert.match(validateImageGCThresholds(85, -1) ?? '', /low-threshold/);
  assert.throws(
    () =>
      new ImageGC({
        cri: new FakeCri(new FakeClock()),
        usage: async () => ({ capacityBytes: 1, availableBytes: 1 }),
        clock: new FakeClock(),
        highThresholdPercent: 10,
        lowThresholdPercent: 20,
      }),
  );
});
