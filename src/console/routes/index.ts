/** The route modules that drive the running platform; registered when the console has one. */
import type { ConsoleRoutes } from '../context.js';
import { appIntegrationRoutes } from './app-integration.js';
import { appSftpRoutes } from './app-sftp.js';
import { appsRoutes } from './apps.js';
import { citizenLocksRoutes } from './citizen-locks.js';
import { gatewaysRoutes } from './gateways.js';
import { handsetRoutes } from './handset.js';
import { interfaceLocksRoutes } from './interface-locks.js';
import { interfaceLogRoutes } from './interface-log.js';
import { listsRoutes } from './lists.js';
import { proposalsRoutes } from './proposals.js';
import { messagesRoutes } from './messages.js';
import { repliesRoutes } from './replies.js';
import { reviewsRoutes } from './reviews.js';
import { rulesTransferRoutes } from './rules-transfer.js';
import { sendRoutes } from './send.js';
import { statsRoutes } from './stats.js';
import { surveysRoutes } from './surveys.js';
import { templatesRoutes } from './templates.js';
import { ticketsRoutes } from './tickets.js';
import { uplinksRoutes } from './uplinks.js';
import { wordsRoutes } from './words.js';

export const PLATFORM_ROUTES: readonly ConsoleRoutes[] = [
  statsRoutes,
  sendRoutes,
  templatesRoutes,
  reviewsRoutes,
  messagesRoutes,
  uplinksRoutes,
  ticketsRoutes,
  citizenLocksRoutes,
  surveysRoutes,
  repliesRoutes,
  handsetRoutes,
  appsRoutes,
  interfaceLocksRoutes,
  appIntegrationRoutes,
  appSftpRoutes,
  gatewaysRoutes,
  listsRoutes,
  proposalsRoutes,
  wordsRoutes,
  rulesTransferRoutes,
  interfaceLogRoutes,
];
