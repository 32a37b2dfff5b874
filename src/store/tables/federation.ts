/** The ministry federation's feed cursors. Types for Kysely (see src/store/schema.ts). */
/** Where a province's ministry link has read the ministry's report and reply feeds to (migration 0026). */
export interface FederationCursorsTable {
  gateway_id: string;
  feed: 'reports' | 'replies';
  cursor: string;
  updated_at: number;
}
