/**
 * What every console route module receives: the platform parts it drives, the guards that check a
 * session and its permissions, and the audit trail. A route module is a function
 * `(app, ctx) => void` in src/console/routes/; server.ts registers them all.
 */
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { Logger } from 'pino';
import type { AuditEntry, AuditKey } from '../audit/log.js';
import type { Citizens } from '../citizen/index.js';
import type { Config } from '../config/schema.js';
import type { ConsoleAction, ConsoleRole } from '../domain/console-roles.js';
import type { Admission } from '../pipeline/admission.js';
import type { PhoneDataSource } from '../pipeline/phone-data.js';
import type { GatewayControl } from '../pipeline/gateway-control.js';
import type { Router } from '../pipeline/router.js';
import type { SensitiveWordList } from '../pipeline/sensitive-words.js';
import type { PersonalDataCipher } from '../security/personal-data.js';
import type { DatabaseHandle } from '../store/connect.js';
import type { ConsoleSession, ConsoleUser } from '../store/console-users.js';
import type { IdAllocator } from '../store/ids.js';
import type { ConsoleAuth, ConsoleAuthSettings, SessionStage } from './auth.js';

/** A carrier simulator the demo runs in-process; the handset page talks to its control port. */
export interface DemoHandsetLink {
  carrier: string;
  name: string;
  controlUrl: string;
}

/** The running platform, for routes that send, read or change its state. */
export interface ConsoleServices {
  config: Config;
  ids: IdAllocator;
  admission: Admission;
  router: Router;
  /** The segment data in use, when the platform routes by home province (docs/federation.md). */
  phoneData?: PhoneDataSource | null;
  /** The gateways in service, changed at run time from the Gateways page. */
  gateways: GatewayControl;
  citizens: Citizens;
  /** Lets the dispatcher look at the outbox now rather than at its next poll. */
  wakeDispatcher(): void;
  /** The sensitive words admission screens for; `invalidate()` after changing them. */
  sensitiveWords: SensitiveWordList;
  /** Set in demo mode only: the simulators behind the handset page. */
  handsets: readonly DemoHandsetLink[];
  /** The port the SFTP listener is bound to (docs/sftp.md), null when it is not open. */
  sftpPort?: () => number | null;
}

export interface ConsoleDeps {
  handle: DatabaseHandle;
  cipher: PersonalDataCipher;
  settings: ConsoleAuthSettings;
  auditKey: AuditKey;
  /** Absent in tests of login alone; routes that need the platform are then not registered. */
  services?: ConsoleServices | undefined;
  logger?: Logger | undefined;
  now?: () => number;
}

export interface CurrentSession {
  session: ConsoleSession;
  user: ConsoleUser;
  stage: SessionStage;
}

/** One audit entry as a route states it; who, when and from where are filled in from the request. */
export type RouteAuditEntry = Omit<AuditEntry, 'actor' | 'role' | 'sourceIp'> & { actor?: string };

export interface ConsoleContext {
  readonly deps: ConsoleDeps;
  readonly auth: ConsoleAuth;
  /** Any logged-in user whose session is at the `full` stage. */
  readonly loggedIn: preHandlerAsyncHookHandler;
  /** A full session whose roles grant one of these actions (src/domain/console-roles.ts). */
  allow(...actions: ConsoleAction[]): preHandlerAsyncHookHandler;
  /** A session at one of these stages, whatever its roles (login flow routes). */
  stageGuard(stages: readonly SessionStage[]): preHandlerAsyncHookHandler;
  /** Whether the session cookie is marked Secure. */
  readonly secureCookie: boolean;
  /** A full session holding one of these roles. */
  requireRole(...roles: ConsoleRole[]): preHandlerAsyncHookHandler;
  /** The session the guard found; throws UNAUTHENTICATED when the route had no guard. */
  current(request: FastifyRequest): CurrentSession;
  /** The platform, for routes registered only when it runs (see `ConsoleDeps.services`). */
  services(): ConsoleServices;
  /**
   * Appends to the tamper-evident audit log (§8.1 c) as the request's user, from its address.
   * Operation and data routes call this for what they did; access entries are written for every API
   * call by the server unless the route says `config: { quietAudit: true }` (polling reads).
   */
  audit(request: FastifyRequest, entry: RouteAuditEntry): Promise<void>;
  now(): number;
}

export type ConsoleRoutes = (app: FastifyInstance, ctx: ConsoleContext) => void;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No access-log entry for this route (a read the browser polls every few seconds). */
    quietAudit?: boolean;
    /** Reachable without a session (the login form only). Every other API route needs a guard. */
    publicRoute?: boolean;
  }
}
