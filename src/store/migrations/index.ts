/**
 * Numbered, forward-only migrations. Each runs once, in order, inside the migrator's lock; a new
 * one is a new file added to the list below, never an edit of an old one.
 */
import type { Kysely } from 'kysely';
import * as m0001 from './0001-initial.js';
import * as m0002 from './0002-uplink-segments.js';
import * as m0003 from './0003-backend-persons.js';
import * as m0004 from './0004-otp.js';
import * as m0005 from './0005-citizens.js';
import * as m0006 from './0006-surveys.js';
import * as m0007 from './0007-sending-limits.js';
import * as m0008 from './0008-console-users.js';
import * as m0009 from './0009-audit-log.js';
import * as m0010 from './0010-review-filters.js';
import * as m0011 from './0011-template-review.js';
import * as m0012 from './0012-message-search.js';
import * as m0013 from './0013-uplink-search.js';
import * as m0020 from './0020-personal-data-at-rest.js';
import * as m0021 from './0021-backups.js';
import * as m0022 from './0022-retention.js';
import * as m0023 from './0023-lease-epoch.js';
import * as m0024 from './0024-part-writes.js';
import * as m0037 from './0037-message-validity.js';
import * as m0040 from './0040-interface-locks.js';
import * as m0047 from './0047-binding-owner.js';
import * as m0026 from './0026-federation.js';
import * as m0030 from './0030-callbacks.js';
import * as m0031 from './0031-interface-access.js';
import * as m0034 from './0034-gateway-settings.js';
import * as m0035 from './0035-send-tasks.js';
import * as m0050 from './0050-ministry-reply-once.js';
import * as m0060 from './0060-sftp.js';
import * as m0085 from './0085-list-proposals.js';
import * as m0061 from './0061-sftp-replies.js';
import * as m0065 from './0065-callback-retry.js';
import * as m0080 from './0080-template-kinds.js';
import * as m0070 from './0070-message-tallies.js';
import * as m0071 from './0071-search-indexes.js';
import * as m0072 from './0072-part-copies.js';
import * as m0095 from './0095-sftp-locks-activity.js';

export type MigrationDialect = 'sqlite' | 'postgres';

export interface NumberedMigration {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see 0001-initial.ts
  up(db: Kysely<any>, dialect: MigrationDialect): Promise<void>;
}

export const MIGRATIONS: readonly NumberedMigration[] = [
  { name: '0001-initial', up: m0001.up },
  { name: '0002-uplink-segments', up: m0002.up },
  { name: '0003-backend-persons', up: m0003.up },
  { name: '0004-otp', up: m0004.up },
  { name: '0005-citizens', up: m0005.up },
  { name: '0006-surveys', up: m0006.up },
  { name: '0007-sending-limits', up: m0007.up },
  { name: '0008-console-users', up: m0008.up },
  { name: '0009-audit-log', up: m0009.up },
  { name: '0010-review-filters', up: m0010.up },
  { name: '0011-template-review', up: m0011.up },
  { name: '0012-message-search', up: m0012.up },
  { name: '0013-uplink-search', up: m0013.up },
  { name: '0020-personal-data-at-rest', up: m0020.up },
  { name: '0021-backups', up: m0021.up },
  { name: '0022-retention', up: m0022.up },
  { name: '0023-lease-epoch', up: m0023.up },
  { name: '0024-part-writes', up: m0024.up },
  { name: '0037-message-validity', up: m0037.up },
  { name: '0040-interface-locks', up: m0040.up },
  { name: '0047-binding-owner', up: m0047.up },
  { name: '0026-federation', up: m0026.up },
  { name: '0030-callbacks', up: m0030.up },
  { name: '0031-interface-access', up: m0031.up },
  { name: '0034-gateway-settings', up: m0034.up },
  { name: '0035-send-tasks', up: m0035.up },
  { name: '0050-ministry-reply-once', up: m0050.up },
  { name: '0060-sftp', up: m0060.up },
  { name: '0085-list-proposals', up: m0085.up },
  { name: '0061-sftp-replies', up: m0061.up },
  { name: '0065-callback-retry', up: m0065.up },
  { name: '0080-template-kinds', up: m0080.up },
  { name: '0070-message-tallies', up: m0070.up },
  { name: '0071-search-indexes', up: m0071.up },
  { name: '0072-part-copies', up: m0072.up },
  { name: '0095-sftp-locks-activity', up: m0095.up },
];
