import type { Scope, SessionAuthMethod, UserEntity } from '@app/organizations';

/** Who is calling: a user through an API token (with its scopes) or a browser session (role checks apply). */
export interface AuthContext {
  user: UserEntity;
  via: 'token' | 'session';
  tokenId?: string;
  scopes?: Scope[];
  /** Session requests: the session row and how it was authenticated. */
  sessionId?: string;
  methods?: SessionAuthMethod[];
}
