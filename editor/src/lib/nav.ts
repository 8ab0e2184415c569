/**
 * The main navigation, as data: the layout shows the entries whose roles include the user's.
 * Order on screen: 规则 Rules / 数据 Data / 考核 Runs / 对比 Diff / 地区 Regions / 审计 Audit / 用户 Users.
 *
 * Each page adds its own entry here when its route exists (no entry without a page):
 *   { href: '/data', key: 'nav.data', roles: ['admin', 'assessor', 'reviewer', 'editor'], order: 20 }
 *   { href: '/runs', key: 'nav.runs', …, order: 30 }, { href: '/diff', key: 'nav.diff', order: 40 },
 *   { href: '/regions', key: 'nav.regions', order: 50 }, { href: '/audit', key: 'nav.audit', roles: ['admin', 'reviewer'], order: 60 }
 * (the `nav.*` message keys already exist in lib/i18n).
 */
import type { Role } from './api.ts';
import type { MessageKey } from './i18n/zh.ts';

export interface NavEntry {
  href: string;
  key: MessageKey;
  /** Who sees the entry; admins see everything. */
  roles: Role[];
  /** Position in the bar (10, 20, …). */
  order: number;
  /** Only for the listed roles: admins do not see it either (the region account's own pages). */
  only?: boolean;
}

const everyone: Role[] = ['admin', 'editor', 'assessor', 'reviewer'];

export const navEntries: NavEntry[] = [
  { href: '/rules', key: 'nav.rules', roles: everyone, order: 10 },
  { href: '/approvals', key: 'nav.approvals', roles: ['admin', 'editor', 'assessor'], order: 15 },
  { href: '/data', key: 'nav.data', roles: everyone, order: 20 },
  { href: '/runs', key: 'nav.runs', roles: everyone, order: 30 },
  { href: '/diff', key: 'nav.diff', roles: everyone, order: 40 },
  { href: '/regions', key: 'nav.regions', roles: everyone, order: 50 },
  { href: '/audit', key: 'nav.audit', roles: ['admin', 'reviewer'], order: 60 },
  { href: '/users', key: 'nav.users', roles: ['admin'], order: 70 },
  { href: '/settings', key: 'nav.settings', roles: ['admin'], order: 80 },
  // A region account (SPEC section 10) sees its own results and nothing else in the bar.
  { href: '/my', key: 'nav.mine', roles: ['region'], order: 5, only: true },
];

/** The entries a role sees, in order. */
export function navFor(role: Role | undefined): NavEntry[] {
  if (!role) return [];
  return navEntries
    .filter((e) => e.roles.includes(role) || (role === 'admin' && !e.only))
    .sort((a, b) => a.order - b.order);
}

/** Pages outside the bar that every signed-in user may open (reports are reached from runs). */
const openToAll = ['/reports'];

/**
 * May `role` open `path`? True for the pages of the role's bar entries and their sub-pages (and
 * the report pages every role reaches from a run); the start page decides the rest.
 */
export function mayVisit(role: Role | undefined, path: string, region?: string | null): boolean {
  if (!role) return false;
  const pathname = path.split(/[?#]/, 1)[0];
  const within = (href: string) => pathname === href || pathname.startsWith(href + '/');
  if (role === 'region') return within('/my') || (!!region && regionPage(pathname, region));
  return navFor(role).some((e) => within(e.href)) || openToAll.some(within);
}

/**
 * The run pages a region account may open besides its landing page: its own region's result
 * (trace) and 扣分说明, and the appeals of a run (the server lists only its own).
 */
function regionPage(pathname: string, region: string): boolean {
  const m = /^\/runs\/\d+\/(?:regions\/([^/]+)(?:\/statement)?|appeals(?:\/\d+)?)\/?$/.exec(pathname);
  if (!m) return false;
  if (m[1] === undefined) return true;
  try {
    return decodeURIComponent(m[1]) === region;
  } catch {
    return false;
  }
}

/**
 * Where a user lands after signing in: `wanted` (a same-site path) when the role may open it,
 * else the first page of the role's bar. A page remembered for somebody else is never reused.
 */
export function landingFor(role: Role | undefined, wanted: string | null, region?: string | null): string {
  const start = navFor(role)[0]?.href ?? '/';
  if (!wanted || !wanted.startsWith('/') || wanted.startsWith('//') || wanted.startsWith('/\\')) return start;
  return mayVisit(role, wanted, region) ? wanted : start;
}
