/**
 * How an appeal reads in lists and on its page: its state as a badge, what it asks for, and the
 * result it objects to, in the current language.
 */
import { tp } from '$lib/i18n/appeals.ts';
import type { Appeal, AppealState } from './api.ts';

export const STATES: AppealState[] = ['open', 'accepted', 'rejected'];

/** The badge class of a state (amber / green / grey, as drafts, published and retired versions). */
export function stateBadge(state: AppealState): string {
  return state === 'open' ? 'draft' : state === 'accepted' ? 'published' : 'retired';
}

export function stateLabel(state: AppealState): string {
  return tp(`state.${state}`);
}

function value(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? tp('file.yes') : tp('file.no');
  return String(v);
}

/** What the appeal asks for: a corrected value, points, or (veto, downgrade, cap) not to apply. */
export function requestText(a: Pick<Appeal, 'requested' | 'target'>): string {
  if (a.requested && 'value' in a.requested)
    return tp('appeals.requestValue', { value: value(a.requested.value) });
  if (a.requested && 'points' in a.requested)
    return tp('appeals.requestPoints', { points: a.requested.points });
  if (a.target.kind === 'veto' || a.target.kind === 'downgrade' || a.target.kind === 'cap')
    return tp('appeals.requestWaive');
  return '—';
}

/** The result the appeal objects to, as the run had it. */
export function currentText(a: Pick<Appeal, 'current'>): string {
  const c = a.current;
  if (!c) return '—';
  if ('fired' in c) return c.fired ? tp('appeals.fired') : tp('appeals.notFired');
  if ('points' in c) return tp('appeals.points', { points: c.points ?? '—', max: c.maxPoints ?? '—' });
  return value(c.value);
}
