/**
 * Who is signed in, and what happens when the session ends: any API call answering 401 sends the
 * user to the sign-in page with the current address remembered (drafts keep their unsaved edits in
 * localStorage, see editor/draft-store.ts), and signing in again returns there.
 */
import { goto } from '$app/navigation';
import { api, onUnauthorized, type Role, type User } from './api.ts';
import { i18n, setLocale, type Locale } from './i18n/index.svelte.ts';
import { landingFor } from './nav.ts';

const RETURN_KEY = 'ecoscore.returnTo';

export const session = $state<{ user: User | null; checked: boolean; expired: boolean }>({
  user: null,
  checked: false,
  expired: false,
});

function currentPath(): string {
  return location.pathname + location.search + location.hash;
}

/** What a remembered page is: the path, and whose it was (null when nobody was signed in). */
interface Remembered {
  path: string;
  owner: string | null;
}

function rememberReturn(path: string, owner: string | null): void {
  if (path.startsWith('/login')) return;
  try {
    sessionStorage.setItem(RETURN_KEY, JSON.stringify({ path, owner } satisfies Remembered));
  } catch {
    /* ignore */
  }
}

function takeRemembered(): Remembered | null {
  try {
    const raw = sessionStorage.getItem(RETURN_KEY);
    sessionStorage.removeItem(RETURN_KEY);
    const r = raw ? (JSON.parse(raw) as Partial<Remembered>) : null;
    return r && typeof r.path === 'string' ? { path: r.path, owner: r.owner ?? null } : null;
  } catch {
    return null;
  }
}

/**
 * Where `user` goes after signing in: the `next` parameter or the remembered page when it was
 * remembered for this user (or for nobody) and the role may open it; else the role's start page.
 */
export function takeReturnPath(next: string | null, user: User | null = session.user): string {
  const remembered = takeRemembered();
  const foreign = remembered?.owner != null && remembered.owner !== user?.username;
  const wanted = foreign ? null : next || remembered?.path || null;
  return landingFor(user?.role, wanted, user?.region);
}

/** True while signing out: the page being left is not remembered for the next user. */
let signingOut = false;

/** Sends the user to sign in, remembering the page they were on. */
export function requireSignIn(expired: boolean): void {
  if (signingOut) return;
  const path = currentPath();
  rememberReturn(path, session.user?.username ?? null);
  session.user = null;
  // Once known to have expired, it stays so until the user signs in again.
  session.expired = session.expired || expired;
  if (!location.pathname.startsWith('/login')) {
    void goto(`/login?next=${encodeURIComponent(path)}`, { replaceState: true });
  }
}

onUnauthorized(() => {
  if (session.user) requireSignIn(true);
  else if (session.checked) requireSignIn(false);
});

function adoptUser(user: User): void {
  session.user = user;
  session.expired = false;
  if (user.locale === 'zh' || user.locale === 'en') {
    if (user.locale !== i18n.locale) setLocale(user.locale);
  }
}

/** Asks the server who is signed in (once at start). */
export async function loadSession(): Promise<void> {
  try {
    const { user } = await api.me();
    adoptUser(user);
  } catch {
    session.user = null;
  } finally {
    session.checked = true;
  }
}

/** A language picked on the sign-in page in this visit (stored for the user once signed in). */
let pickedBeforeSignIn: Locale | null = null;

export async function signIn(username: string, password: string): Promise<User> {
  const { user } = await api.login(username, password);
  const picked = pickedBeforeSignIn;
  pickedBeforeSignIn = null;
  adoptUser(user);
  session.checked = true;
  // Switching language on the sign-in page is a choice too: it replaces the stored one.
  if (picked && picked !== user.locale) await changeLocale(picked);
  return session.user ?? user;
}

/** Signs out and opens the sign-in page without a return address: the next user starts afresh. */
export async function signOut(): Promise<void> {
  signingOut = true;
  try {
    await api.logout();
  } finally {
    try {
      sessionStorage.removeItem(RETURN_KEY);
    } catch {
      /* ignore */
    }
    session.user = null;
    session.expired = false;
    try {
      await goto('/login', { replaceState: true });
    } finally {
      signingOut = false;
    }
  }
}

/** Switches the language here and stores the choice for the user on the server. */
export async function changeLocale(locale: Locale): Promise<void> {
  setLocale(locale);
  if (!session.user) pickedBeforeSignIn = locale;
  if (session.user) {
    try {
      const { user } = await api.setLocale(locale);
      session.user = { ...session.user, ...user };
    } catch {
      /* stored locally; the server copy is updated next time */
    }
  }
}

/** True when the signed-in user has one of `roles` (admins may do everything). */
export function hasRole(...roles: Role[]): boolean {
  const role = session.user?.role;
  return !!role && (role === 'admin' || roles.includes(role));
}

/** May the user write rule drafts, publish and retire? */
export function canEditRules(): boolean {
  return hasRole('editor');
}
