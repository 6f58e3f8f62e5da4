/** tencentcloud_mysql_database: DescribeDatabases (DatabaseList: name and character set). */
import type { Reader } from "../types";
import { asList, key, knownText } from "./support";

type Obj = Record<string, unknown>;

export const reader: Reader = {
  type: "tencentcloud_mysql_database",
  service: "cdb",
  attributes: {
    instance_id: { compare: "exact", from: "DescribeDatabases(InstanceId)" },
    db_name: { compare: "exact", from: "DescribeDatabases: DatabaseList[].DatabaseName" },
    character_set_name: { compare: "case-insensitive", from: "DescribeDatabases: DatabaseList[].CharacterSet" },
  },
  notComparable: {},

  identity: (d) => key(knownText(d, "instance_id"), knownText(d, "db_name")),

  async read(ctx, d, id) {
    const [instance, name] = id.split("#");
    const list: Obj[] = [];
    for (let offset = 0; offset < 100_000; offset += 5000) {
      const r = await ctx.api.request<{ DatabaseList?: Obj[]; TotalCount?: number; Items?: unknown[] }>(
        "cdb",
        "DescribeDatabases",
        { InstanceId: instance, Offset: offset, Limit: 5000 },
        { region: d.region },
      );
      list.push(...asList<Obj>(r.DatabaseList));
      if (asList(r.Items).length < 5000) break;
    }
    const db = list.find((x) => x.DatabaseName === name);
    if (!db) return { exists: false };
    return { exists: true, id, attrs: { instance_id: instance, db_name: name, character_set_name: String(db.CharacterSet ?? "") } };
  },
};
