import { describe, expect, it } from 'vitest';
import { planRetention, type RetentionCandidate } from '../../../src/backup/retention.ts';

const now = new Date('2026-11-26T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000);
const backup = (file: string, age: number, extra: Partial<RetentionCandidate> = {}): RetentionCandidate => ({
  file,
  endedAt: daysAgo(age),
  verified: true,
  keep: false,
  ...extra,
});

describe('planRetention', () => {
  it('keeps the newest N and removes the rest, oldest included', () => {
    const plan = planRetention([backup('a', 5), backup('b', 4), backup('c', 3), backup('d', 2), backup('e', 1)], { keepLast: 2 }, now);
    expect([...plan.remove].sort()).toEqual(['a', 'b', 'c']);
    expect(plan.keep.map((entry) => entry.file)).toEqual(['e', 'd']);
  });

  it('with keepDays also keeps every backup younger than that', () => {
    const plan = planRetention([backup('a', 10), backup('b', 6), backup('c', 3), backup('d', 1)], { keepLast: 1, keepDays: 7 }, now);
    expect(plan.remove).toEqual(['a']);
  });

  it('never removes a backup marked keep, however old', () => {
    const plan = planRetention([backup('old-keep', 400, { keep: true }), backup('b', 2), backup('c', 1)], { keepLast: 1 }, now);
    expect(plan.remove).toEqual(['b']);
    expect(plan.keep).toContainEqual({ file: 'old-keep', why: 'marked keep' });
  });

  it('never removes the newest verified backup, even when newer unverified ones exist', () => {
    const plan = planRetention([backup('verified', 3), backup('unverified', 1, { verified: false })], { keepLast: 1 }, now);
    expect(plan.remove).toEqual([]);
    expect(plan.keep).toContainEqual({ file: 'verified', why: 'newest verified backup' });
  });

  it('removes nothing when there are at most N', () => {
    expect(planRetention([backup('a', 2), backup('b', 1)], { keepLast: 14 }, now).remove).toEqual([]);
    expect(planRetention([], { keepLast: 14 }, now)).toEqual({ keep: [], remove: [] });
  });

  it('orders by end time, not by the order it was given', () => {
    const plan = planRetention([backup('new', 1), backup('old', 9), backup('mid', 5)], { keepLast: 2 }, now);
    expect(plan.remove).toEqual(['old']);
  });
});
