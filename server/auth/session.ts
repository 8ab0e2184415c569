/**
 * Sessions: a random token in an HttpOnly, SameSite=Strict cookie; the database keeps only its
 * SHA-256 (a leaked database does not yield live sessions). Sessions expire after a time to live
 * that slides while the user is active, and end at logout, when the user is disabled, or when an
 * admin resets the password.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { User } from '../db/users.ts';

export const SESSION_COOKIE = 'ecoscore_session';
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

/** The logged-in user, as the API shows it: the user without the account's state and times. */
export type SessionUser = Pick<User, 'id' | 'username' | 'displayName' | 'role' | 'region' | 'locale'>;

/** What the app keeps per request. */
export interface AppEnv {
  Variables: {
    user: SessionUser | undefined;
    sessionId: string | undefined;
  };
}

export interface StoredSession {
  id: string;
  userId: number;
  createdAt: string;
  expiresAt: string;
  lastSeenAt: string;
}

/** The storage sessions need (implemented over the database in `server/auth/store.ts`). */
export interface SessionStore {
  createSession(session: StoredSession): Promise<void>;
  /** The session with its user, when both exist. */
  getSession(
    id: string,
    nowIso: string,
  ): Promise<{ session: StoredSession; user: SessionUser & { disabled: boolean } } | undefined>;
  touchSession(id: string, expiresAt: string, lastSeenAt: string): Promise<void>;
  deleteSession(id: string): Promise<void>;
  deleteUserSessions(userId: number): Promise<void>;
  deleteExpiredSessions(nowIso: string): Promise<void>;
}

export interface SessionOptions {
  ttlMs?: number;
  /** Mark the cookie `Secure`: always, or per request (when it came over HTTPS). */
  secureCookie?: boolean | ((c: Context) => boolean);
  now?: () => number;
}

/** SHA-256 of a token: the id under which its session is stored. */
export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class Sessions {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly secure: boolean | ((c: Context) => boolean);
  private lastSweep = 0;

  constructor(
    private readonly store: SessionStore,
    opts: SessionOptions = {},
  ) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.secure = opts.secureCookie ?? false;
  }

  private setCookie(c: Context, token: string): void {
    setCookie(c, SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: this.secureFor(c),
      maxAge: Math.floor(this.ttlMs / 1000),
    });
  }

  private secureFor(c: Context): boolean {
    return typeof this.secure === 'function' ? this.secure(c) : this.secure;
  }

  /** Starts a session for a user and sets its cookie. */
  async start(c: Context, userId: number): Promise<void> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    await this.store.createSession({
      id: sessionIdOf(token),
      userId,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.ttlMs).toISOString(),
      lastSeenAt: new Date(now).toISOString(),
    });
    this.setCookie(c, token);
  }

  /** Ends the request's session (if any) and clears the cookie. */
  async end(c: Context<AppEnv>): Promise<void> {
    const id = c.get('sessionId');
    if (id) await this.store.deleteSession(id);
    deleteCookie(c, SESSION_COOKIE, {
      path: '/',
      httpOnly: true,
      sameSite: 'Strict',
      secure: this.secureFor(c),
    });
  }

  /** Ends every session of a user (password reset, disabled account). */
  async endAll(userId: number): Promise<void> {
    await this.store.deleteUserSessions(userId);
  }

  /**
   * Middleware: reads the cookie and puts the user (or undefined) in `c.var.user`. An expired or
   * unknown session, or a disabled user, counts as no session. Activity past half the time to live
   * extends the session.
   */
  middleware(): MiddlewareHandler<AppEnv> {
    return async (c, next) => {
      c.set('user', undefined);
      c.set('sessionId', undefined);
      const token = getCookie(c, SESSION_COOKIE);
      if (token && token.length <= 200) {
        const id = sessionIdOf(token);
        const now = this.now();
        const found = await this.store.getSession(id, new Date(now).toISOString());
        if (found) {
          const expires = Date.parse(found.session.expiresAt);
          if (!(expires > now) || found.user.disabled) {
            await this.store.deleteSession(id);
          } else {
            const { disabled: _disabled, ...user } = found.user;
            c.set('user', user);
            c.set('sessionId', id);
            if (expires - now < this.ttlMs / 2) {
              await this.store.touchSession(
                id,
                new Date(now + this.ttlMs).toISOString(),
                new Date(now).toISOString(),
              );
              this.setCookie(c, token);
            }
          }
        }
        if (now - this.lastSweep > 60 * 60 * 1000) {
          this.lastSweep = now;
          await this.store.deleteExpiredSessions(new Date(now).toISOString());
        }
      }
      await next();
    };
  }
}
