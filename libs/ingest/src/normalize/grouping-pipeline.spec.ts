import * as fs from 'node:fs';
import * as path from 'node:path';
import { computeGroupingHash } from '@app/issues';
import { deriveEventSummary } from './derive';
import { normalizeEvent } from './normalize-event';

const FIXTURES = path.resolve(__dirname, '../../../..', '../shared/fixtures');
const describeWithFixtures = fs.existsSync(FIXTURES) ? describe : describe.skip;

function nodeCapture(prefix: string): Record<string, unknown> {
  const folder = path.join(FIXTURES, 'sdk-captures/node');
  const file = fs.readdirSync(folder).find((name) => name.startsWith(prefix) && name.endsWith('.body.bin'));
  return JSON.parse(fs.readFileSync(path.join(folder, file as string), 'utf8').split('\n')[2]);
}

function normalized(raw: Record<string, unknown>) {
  return normalizeEvent(raw, { receivedAt: new Date('2026-11-23T15:32:00Z') });
}

describeWithFixtures('normalized events through grouping (ingest → issues)', () => {
  it('captureMessage events group by message after normalization too', () => {
    const message = normalized(nodeCapture('003-'));
    const plain = normalized({ message: 'Something noteworthy happened', level: 'warning' });
    expect(computeGroupingHash(message)).toEqual(computeGroupingHash(plain));
    expect(computeGroupingHash(message).strategy).toBe('message');
    expect(deriveEventSummary(message).type).toBe('default');
  });

  it('the same exception sent twice with new ids, times and line numbers lands in one group', () => {
    const first = nodeCapture('002-');
    const second = JSON.parse(JSON.stringify(first));
    second.event_id = 'f'.repeat(32);
    (second.timestamp as number) += 30;
    for (const frame of second.exception.values[0].stacktrace.frames) frame.lineno += 3;
    expect(computeGroupingHash(normalized(second)).hash).toBe(computeGroupingHash(normalized(first)).hash);
  });

  it('gives every glitchtip fixture a distinct group', () => {
    const folder = path.join(FIXTURES, 'glitchtip/incoming_events');
    const hashes = fs
      .readdirSync(folder)
      .map((name) => JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8')))
      .map((raw) => computeGroupingHash(normalized(raw)).hash);
    expect(new Set(hashes).size).toBe(hashes.length);
  });
});
