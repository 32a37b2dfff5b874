/** Who is logged in, as /console/api/me says; pages ask `useSession().can(action)` to show buttons. */
import { createContext, useContext } from 'react';
import type { ConsoleAction, ConsoleRole } from '../../domain/console-roles.js';

export interface Me {
  user: {
    username: string;
    roles: ConsoleRole[];
    mustChangePassword: boolean;
    mustEnrolTotp: boolean;
    permissions: ConsoleAction[];
  };
  csrfToken: string;
  expiresAt: string;
  idleMinutes?: number;
  /** The platform runs in demo mode: the handset page is there. */
  demo?: boolean;
}

export interface SessionValue {
  me: Me;
  can(...actions: ConsoleAction[]): boolean;
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside the logged-in shell');
  return value;
}
