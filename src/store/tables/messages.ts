/** Batches, messages, their parts and reports, and uplinks: the sending pipeline's tables. Types for Kysely (see src/store/schema.ts). */
import type { Generated } from 'kysely';

export interface BatchesTable {
  id: number;
  app_id: number;
  client_msg_id: string | null;
  signature: string;
  content: string;
  /** Extension digits appended to the gateway's sender number: the app's then the request's. */
  src_ext: string;
  islong: number;
  category: string;
  send_at: number | null;
  total: number;
  created_at: number;
  /** The first answer, returned again for a repeated clientMsgId. */
  response: string;
  /** The review holding this batch's messages (migration 0010); null when none. */
  review_id: Generated<number | null>;
}

export interface MessagesTable {
  id: number;
  batch_id: number;
  app_id: number;
  mobile: string;
  carrier: string;
  status: string;
  segments: number;
  /** Segments charged to the balance (0 for BLOCKED). */
  charged: number;
  not_before: number;
  /** Epoch ms the message stops being worth sending (migration 0037); null on older rows. */
  valid_until: number | null;
  created_at: number;
  attempts: Generated<number>;
  /** Parts sent again after a possible earlier submit without an answer. */
  resubmits: Generated<number>;
  lease_owner: string | null;
  lease_until: number | null;
  /** Taken anew by every claim: the lease token is (lease_owner, lease_epoch) (migration 0023). */
  lease_epoch: Generated<number>;
  gateway_id: string | null;
  submitted_at: number | null;
  deadline_at: number | null;
  done_at: number | null;
  stat: string | null;
  error: string | null;
  refunded: Generated<number>;
  /** Home province code from the segment data, '' when unknown (migration 0026). */
  home_province: Generated<string>;
}

export interface MessagePartsTable {
  message_id: number;
  part_no: number;
  total: number;
  gateway_id: string;
  carrier_msg_id: string;
  status: string;
  stat: string | null;
  submitted_at: number;
  done_at: number | null;
}

/** Uncertain writes of a part and the copies written after them (migration 0024, store/part-writes.ts). */
export interface PartWritesTable {
  message_id: number;
  part_no: number;
  total: number;
  /** Why the last write of this part may or may not have reached the handset; null: none uncertain. */
  uncertain: string | null;
  /** Times the part was written again after an earlier write that may have reached the handset. */
  copies: Generated<number>;
  copy_reason: string | null;
  updated_at: number;
}

export interface DeliveryReportsTable {
  id: number;
  /** Commit-ordered position for the cursor pull; null until the sequencer numbers it. */
  seq: number | null;
  app_id: number;
  message_id: number;
  mobile: string;
  status: string;
  stat: string | null;
  done_at: number;
  created_at: number;
}

export interface OrphanReportsTable {
  id: number;
  gateway_id: string;
  carrier_msg_id: string;
  stat: string;
  mobile: string;
  done_at: number;
  received_at: number;
}

export interface UplinkMessagesTable {
  id: number;
  seq: number | null;
  gateway_id: string;
  carrier_msg_id: string;
  mobile: string;
  dest_id: string;
  /** The extension digits after the gateway's sender number. */
  ext: string;
  app_id: number | null;
  text: string;
  concat_ref: number | null;
  concat_total: number | null;
  concat_part: number | null;
  received_at: number;
  status: string;
  /** The original text of a command, sealed, while `text` holds it masked; cleared once handled. */
  secret_enc: string | null;
  /** A business system's uplink whose `text` was masked: the whole text, sealed, for its feed (migration 0020). */
  text_enc: string | null;
  /** When the command engine answered it; set at once for uplinks that belong to a business system. */
  handled_at: number | null;
  /** While one process answers the command, others leave it alone (a lease). */
  claimed_until: number | null;
}

export interface UplinkSegmentsTable {
  id: number;
  gateway_id: string;
  carrier_msg_id: string;
  mobile: string;
  dest_id: string;
  ext: string;
  app_id: number | null;
  ref: number;
  total: number;
  part_no: number;
  /** Masked (migration 0020); the original is sealed in `text_enc`. */
  text: string;
  text_enc: string | null;
  received_at: number;
}

/** One console send (migration 0035, store/console-send.ts). */
export interface SendTasksTable {
  id: number;
  app_id: number;
  /** The page's idempotency key: the task's batches are `console:<key>:<n>`. */
  send_key: string;
  file_name: string | null;
  recipients: number;
  created_by: string;
  created_at: number;
}

/** Messages per creation hour, app, carrier, gateway ('' = none) and status (migration 0070). */
export interface MessageTalliesTable {
  hour: number;
  app_id: number;
  carrier: string;
  gateway_id: string;
  status: string;
  n: number;
}
