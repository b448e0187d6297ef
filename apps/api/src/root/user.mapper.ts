import { UserEntity } from '@app/organizations';

/** UserSchema. */
export function serializeUser(user: UserEntity) {
  return {
    id: String(user.id),
    email: user.email,
    username: user.email,
    name: user.name,
    dateJoined: user.dateJoined.toISOString(),
    lastLogin: user.lastLogin?.toISOString() ?? null,
    isSuperuser: user.isSuperuser,
    isActive: user.isActive,
    hasPasswordAuth: true,
    identities: [],
    options: user.options ?? {},
  };
}
