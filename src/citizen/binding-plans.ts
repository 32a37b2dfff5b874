/**
 * Plans of the commands that change bindings and passwords (§6.2.1, Table 1): BD, QXBD, MMCZ, with
 * the per-SSN and per-phone limits on wrong passwords.
 */
import { formatBeijing } from '../domain/beijing-time.js';
import {
  bind,
  bindingsOf,
  clearFailures,
  lockedUntil,
  makeOwner,
  recordFailure,
  resubscribe,
  unbind,
  type BindingRow,
} from '../store/citizens.js';
import { checkNewPassword, maskSsnText, validSsn } from './people.js';
import { openBinding, reply, who, type Plan, type PlanDeps, type PlannedReply } from './plan.js';
import type { ReplyKey } from './replies.js';

export const pairSubject = (ssnHash: string, mobile: string): string => `${ssnHash}|${mobile}`;

/** A locked SSN, SSN on this phone, or phone answers with the time the lock ends. */
export async function lockReply(
  deps: PlanDeps,
  mobile: string,
  ssnHash: string | null,
  now: number,
): Promise<PlannedReply | null> {
  const db = deps.handle.db;
  const until =
    (ssnHash === null
      ? null
      : ((await lockedUntil(db, 'pair', pairSubject(ssnHash, mobile), now)) ??
        (await lockedUntil(db, 'ssn', ssnHash, now)))) ?? (await lockedUntil(db, 'mobile', mobile, now));
  return until === null ? null : reply('locked', { until: formatBeijing(until, 'MM月dd日HH:mm') });
}

/**
 * A wrong password counts against the SSN on this phone, the SSN on any phone (when there is one)
 * and the phone; the reply says how many tries are left, or until when it is locked.
 */
export function failurePlan(
  deps: PlanDeps,
  command: string,
  mobile: string,
  ssnHash: string | null,
  wrongKey: ReplyKey,
  now: number,
): Plan {
  let answer: PlannedReply = reply(wrongKey, { left: 0 });
  return {
    command,
    outcome: 'wrong-password',
    get replies() {
      return [answer];
    },
    effect: async (tx) => {
      const byPhone = await recordFailure(tx, 'mobile', mobile, deps.mobilePolicy, now);
      const bySsn = ssnHash === null ? null : await recordFailure(tx, 'ssn', ssnHash, deps.ssnPolicy, now);
      const byPair =
        ssnHash === null
          ? null
          : await recordFailure(tx, 'pair', pairSubject(ssnHash, mobile), deps.pairPolicy, now);
      const until = byPair?.lockedUntil ?? bySsn?.lockedUntil ?? byPhone.lockedUntil;
      const left = Math.min(byPhone.left, bySsn?.left ?? Infinity, byPair?.left ?? Infinity);
      answer =
        until !== null
          ? reply('locked', { until: formatBeijing(until, 'MM月dd日HH:mm') })
          : reply(wrongKey, { left });
    },
  };
}

export async function bindPlan(
  deps: PlanDeps,
  mobile: string,
  rawSsn: string,
  password: string,
  now: number,
): Promise<Plan> {
  const { backend, cipher } = deps;
  const checked = validSsn(rawSsn, now);
  if (!checked.ok)
    return {
      command: 'BD',
      outcome: 'ssn-invalid',
      replies: [reply('ssnInvalid', { ssn: maskSsnText(rawSsn), reason: checked.reason })],
    };
  const ssn = checked.ssn;
  const ssnHash = cipher.lookupHash(ssn);
  const locked = await lockReply(deps, mobile, ssnHash, now);
  if (locked) return { command: 'BD', outcome: 'locked', replies: [locked] };
  const verdict = await backend.verifyServicePassword(ssn, password);
  if (verdict === 'no-person')
    return { command: 'BD', outcome: 'no-person', replies: [reply('noPerson', { ssn: maskSsnText(ssn) })] };
  if (verdict === 'wrong') return failurePlan(deps, 'BD', mobile, ssnHash, 'wrongPassword', now);
  const person = await backend.findPerson(ssn);
  if (!person)
    return { command: 'BD', outcome: 'no-person', replies: [reply('noPerson', { ssn: maskSsnText(ssn) })] };
  const id = await deps.ids.nextId();
  const plan: Plan = { command: 'BD', outcome: 'bound', replies: [reply('bound', who(person))] };
  plan.effect = async (tx) => {
    const result = await bind(
      tx,
      { id, mobile, ssnHash, ssnEnc: cipher.encrypt(ssn), nameEnc: cipher.encrypt(person.name) },
      now,
    );
    await clearFailures(tx, 'ssn', ssnHash);
    await clearFailures(tx, 'pair', pairSubject(ssnHash, mobile));
    await clearFailures(tx, 'mobile', mobile);
    // Table 1: a later BD turns notices back on.
    await resubscribe(tx, mobile);
    if (result.already) {
      // Binding again someone already bound here names them the phone's owner: the person a
      // command without its parameter is for.
      const [owner, ...others] = await bindingsOf(tx, mobile);
      const again = others.find((b) => b.ssnHash === ssnHash);
      if (owner?.ssnHash === ssnHash || again === undefined) {
        plan.outcome = 'already-bound';
        plan.replies = [reply('alreadyBound', who(person))];
      } else {
        await makeOwner(tx, again.id, now);
        plan.outcome = 'owner-set';
        plan.replies = [reply('ownerSet', who(person))];
      }
    } else if (result.previousMobile !== null) {
      plan.outcome = 'moved';
      plan.replies.push({
        to: result.previousMobile,
        key: 'movedAway',
        values: { ...who(person), tail: mobile.slice(-4) },
      });
    }
  };
  return plan;
}

export async function unbindPlan(deps: PlanDeps, mobile: string, rawSsn: string | null): Promise<Plan> {
  const { cipher } = deps;
  const bindings = await bindingsOf(deps.handle.db, mobile);
  if (bindings.length === 0) return { command: 'QXBD', outcome: 'not-bound', replies: [reply('notBound')] };
  let target: BindingRow | undefined;
  if (rawSsn === null) {
    if (bindings.length > 1)
      return {
        command: 'QXBD',
        outcome: 'which',
        replies: [reply('unbindWhich', { count: bindings.length })],
      };
    target = bindings[0];
  } else {
    const checked = validSsn(rawSsn, deps.now());
    const hash = cipher.lookupHash(checked.ok ? checked.ssn : rawSsn);
    target = bindings.find((b) => b.ssnHash === hash);
    if (!target)
      return {
        command: 'QXBD',
        outcome: 'not-found',
        replies: [reply('unbindNotFound', { ssn: maskSsnText(rawSsn) })],
      };
  }
  if (!target) return { command: 'QXBD', outcome: 'not-bound', replies: [reply('notBound')] };
  const person = openBinding(deps, target);
  const ssnHash = target.ssnHash;
  return {
    command: 'QXBD',
    outcome: 'unbound',
    replies: [reply('unbound', who(person))],
    effect: async (tx) => {
      await unbind(tx, mobile, ssnHash);
    },
  };
}

export async function changePasswordPlan(
  deps: PlanDeps,
  mobile: string,
  oldPassword: string,
  newPassword: string,
  now: number,
): Promise<Plan> {
  const { backend } = deps;
  const bindings = await bindingsOf(deps.handle.db, mobile);
  if (bindings.length === 0) return { command: 'MMCZ', outcome: 'not-bound', replies: [reply('notBound')] };
  const only = bindings.length === 1 ? (bindings[0]?.ssnHash ?? null) : null;
  const locked = await lockReply(deps, mobile, only, now);
  if (locked) return { command: 'MMCZ', outcome: 'locked', replies: [locked] };
  for (const binding of bindings) {
    if ((await lockedUntil(deps.handle.db, 'ssn', binding.ssnHash, now)) !== null) continue;
    const person = openBinding(deps, binding);
    if ((await backend.verifyServicePassword(person.ssn, oldPassword)) !== 'ok') continue;
    const policy = checkNewPassword(newPassword, person.ssn, mobile);
    if (policy !== null)
      return { command: 'MMCZ', outcome: 'policy', replies: [reply('passwordPolicy', { reason: policy })] };
    if ((await backend.changeServicePassword(person.ssn, newPassword)) === 'no-person')
      return {
        command: 'MMCZ',
        outcome: 'no-person',
        replies: [reply('noPerson', { ssn: maskSsnText(person.ssn) })],
      };
    return {
      command: 'MMCZ',
      outcome: 'changed',
      replies: [reply('passwordChanged', who(person))],
      effect: async (tx) => {
        await clearFailures(tx, 'ssn', binding.ssnHash);
        await clearFailures(tx, 'pair', pairSubject(binding.ssnHash, mobile));
        await clearFailures(tx, 'mobile', mobile);
      },
    };
  }
  return failurePlan(deps, 'MMCZ', mobile, only, 'oldPasswordWrong', now);
}
