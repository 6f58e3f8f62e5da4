/**
 * The backend's log directory as the 小直播 PHP backend (common/MiniLog.php) leaves it, for the demo's rendered
 * backend: `<dir>/log/<channel>_<level><YYYYMMDD>.log.php`, date in UTC+8, each file opening with a PHP guard line
 * and `<!--`, lines `[YYYY-MM-DD HH:MM:SS][pid:eventId:timestamp][interface] [[file][function][line][LEVEL][code] msg]`.
 * `validate` reads these for db.replay-window (e.g. `getRoomInfo Error:<userid>` = a recording dropped because the
 * streamer has no tb_room row).
 */
import * as fs from "fs";
import * as path from "path";

export type LogChannel = "interface" | "component" | "mysql";
export type LogLevel = "debug" | "info" | "error" | "stat";

export interface LogLine {
  at: Date;
  interfaceName: string;
  file: string;
  fn: string;
  line: number;
  code: number;
  message: string;
}

/** `YYYY-MM-DD HH:MM:SS` in UTC+8. */
function beijing(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace("T", " ");
}

function format(l: LogLine, level: LogLevel): string {
  const ts = Math.floor(l.at.getTime() / 1000);
  const event = (ts % 0xffffff).toString(16);
  const text = l.code === 200 ? `[200] OK | ${l.message}` : l.message;
  return `[${beijing(l.at)}][${10000 + (ts % 50000)}:${event}:${ts}][${l.interfaceName}] [[${l.file}][${l.fn}][${l.line}][${level.toUpperCase()}][${l.code}] ${text}]`;
}

/** Appends lines to `<backendDir>/log/<channel>_<level><date>.log.php` (one file per UTC+8 day), creating it. */
export function appendBackendLog(backendDir: string, channel: LogChannel, level: LogLevel, lines: readonly LogLine[]): void {
  const dir = path.join(backendDir, "log");
  fs.mkdirSync(dir, { recursive: true });
  for (const l of lines) {
    const day = beijing(l.at).slice(0, 10).replace(/-/g, "");
    const file = path.join(dir, `${channel}_${level}${day}.log.php`);
    if (!fs.existsSync(file)) fs.writeFileSync(file, "<?php exit(0); ?>\n<!--\n");
    fs.appendFileSync(file, `${format(l, level)}\n`);
  }
}
