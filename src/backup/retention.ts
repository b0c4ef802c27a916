export interface RetentionPolicy {
  /** Keep this many of the newest verified backups. */
  readonly keepLast: number;
  /** Also keep every backup younger than this many days; undefined: age keeps nothing. */
  readonly keepDays?: number | undefined;
}

export interface RetentionCandidate {
  readonly file: string;
  readonly endedAt: Date;
  readonly verified: boolean;
  readonly keep: boolean;
}

export interface RetentionPlan {
  readonly keep: readonly { file: string; why: string }[];
  readonly remove: readonly string[];
}

/**
 * Decides which backups to delete. Only verified backups are ever deleted. Kept: the newest
 * `keepLast` verified ones, those younger than `keepDays`, the newest verified one whatever the
 * policy says, and every one marked keep. Pure.
 */
export function planRetention(candidates: readonly RetentionCandidate[], policy: RetentionPolicy, now: Date): RetentionPlan {
  const newestFirst = [...candidates].sort((a, b) => b.endedAt.getTime() - a.endedAt.getTime() || (a.file < b.file ? 1 : -1));
  const keep: { file: string; why: string }[] = [];
  const remove: string[] = [];
  let verifiedSeen = 0;
  for (const backup of newestFirst) {
    const why = reasonToKeep(backup, verifiedSeen, policy, now);
    if (backup.verified) verifiedSeen += 1;
    if (why) keep.push({ file: backup.file, why });
    else remove.push(backup.file);
  }
  return { keep, remove };
}

function reasonToKeep(backup: RetentionCandidate, newerVerified: number, policy: RetentionPolicy, now: Date): string | undefined {
  if (backup.keep) return 'marked keep';
  if (!backup.verified) return 'not verified: never deleted automatically';
  if (newerVerified === 0) return 'newest verified backup';
  if (newerVerified < policy.keepLast) return `one of the newest ${policy.keepLast}`;
  const ageDays = (now.getTime() - backup.endedAt.getTime()) / 86_400_000;
  if (policy.keepDays !== undefined && ageDays < policy.keepDays) return `younger than ${policy.keepDays} days`;
  return undefined;
}
