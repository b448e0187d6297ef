import { UserEntity } from '@app/organizations';
import type { UserDetailDto, UserDto, UserOptionsDto } from '../admin/dto/user.dto';

/** UserSchema. `hasPasswordAuth` is false for accounts without a usable password. */
export function serializeUser(user: UserEntity, hasPasswordAuth = true): UserDto {
  return {
    id: String(user.id),
    email: user.email,
    username: user.email,
    name: user.name,
    dateJoined: user.dateJoined.toISOString(),
    lastLogin: user.lastLogin?.toISOString() ?? null,
    isSuperuser: user.isSuperuser,
    isActive: user.isActive,
    hasPasswordAuth,
    identities: [],
    options: (user.options ?? {}) as UserOptionsDto,
  };
}

/** UserDetailSchema (`GET /api/0/users/me/`). */
export function serializeUserDetail(user: UserEntity, hasPasswordAuth: boolean): UserDetailDto {
  return { ...serializeUser(user, hasPasswordAuth), chatwootIdentifierHash: null };
}
