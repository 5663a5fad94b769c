import type { Request } from 'restify';
import { hasRole, type TPrincipal, type TRole, type TokenService } from '../auth/tokens';
import { AppError } from '../kernel/errors';

export type TAuthenticate = (req: Request, role: TRole) => Promise<TPrincipal>;

/**
 * Bearer authentication for staff, analyst and admin routes: no or unknown token → 401,
 * a token without the role → 403, both as JSON errors.
 */
export function bearerAuthenticator(tokens: TokenService): TAuthenticate {
  return async (req, role) => {
    const header = req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('unauthorized', 'unauthorized', 'A bearer token is required.');
    const principal = await tokens.authenticate(match[1]!);
    if (!principal) throw new AppError('unauthorized', 'unauthorized', 'The token is unknown, revoked or expired.');
    if (!hasRole(principal, role)) throw new AppError('forbidden', 'forbidden', `This needs the ${role} role.`);
    return principal;
  };
}
