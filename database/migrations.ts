/**
 * Versioned migrations. Each entry is FROZEN once released: its checksum is recorded in the history table and a
 * changed checksum makes the runner refuse to run. Change the schema by appending a new migration (and updating
 * SCHEMA in schema.ts; a test checks that applying all migrations to an empty database yields exactly SCHEMA).
 *
 * Rules for a migration: idempotent (CREATE ... IF NOT EXISTS, ADD COLUMN IF NOT EXISTS-style guards), never a DROP
 * of a table, column or database (the runner rejects such statements).
 * Adopting databases made by createDB.sh (zero-date default, ON UPDATE, missing tb_vod) is not a migration: every run
 * compares the live tables with SCHEMA and repairs what differs (see migrate.ts), whatever the history says.
 */
import { createHash } from "crypto";

export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create tb_account, tb_room, tb_vod",
    statements: [
      `CREATE TABLE IF NOT EXISTS \`tb_account\` (
  \`userid\` varchar(50) NOT NULL,
  \`password\` varchar(255) NULL DEFAULT NULL,
  \`nickname\` varchar(100) NULL DEFAULT NULL,
  \`sex\` int NULL DEFAULT -1,
  \`avatar\` varchar(254) NULL DEFAULT NULL,
  \`frontcover\` varchar(255) NULL DEFAULT NULL,
  \`create_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (\`userid\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
      `CREATE TABLE IF NOT EXISTS \`tb_room\` (
  \`userid\` varchar(50) NOT NULL,
  \`title\` varchar(255) NOT NULL,
  \`frontcover\` varchar(255) NULL DEFAULT NULL,
  \`location\` varchar(128) NULL DEFAULT NULL,
  \`create_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (\`userid\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
      `CREATE TABLE IF NOT EXISTS \`tb_vod\` (
  \`userid\` varchar(50) NOT NULL,
  \`file_id\` varchar(150) NOT NULL,
  \`frontcover\` varchar(255) NULL DEFAULT NULL,
  \`location\` varchar(128) NULL DEFAULT NULL,
  \`play_url\` varchar(255) NULL DEFAULT NULL,
  \`like_count\` int NOT NULL DEFAULT 0,
  \`viewer_count\` int NOT NULL DEFAULT 0,
  \`create_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  \`hls_play_url\` varchar(255) NULL DEFAULT NULL,
  \`start_time\` timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP,
  \`title\` varchar(128) NULL DEFAULT NULL,
  PRIMARY KEY (\`userid\`, \`file_id\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci`,
    ],
  },
];

/** sha256 over the migration's version, name and statements: what the history table records. */
export function migrationChecksum(m: Migration): string {
  return createHash("sha256")
    .update(`${m.version}\n${m.name}\n${m.statements.join(";\n")}`)
    .digest("hex");
}
