// bench/migrate on the real server: it drops exactly the databases its runs created, also after a failure, and
// never one that existed before (LIVE_INFRA_TEST_MYSQL_URL may name a shared server).
import { benchMigrate } from "../../bench/migrate";
import { createTestDatabase, testServer, uniqueName, withRootConnection, TestDatabase } from "../helpers/mysql";

const keep: TestDatabase[] = [];
afterAll(async () => {
  for (const d of keep) await d.drop().catch(() => undefined);
});

async function existing(names: string[]): Promise<string[]> {
  return withRootConnection(async (c) => {
    const [rows] = await c.query("SELECT SCHEMA_NAME AS n FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN (?)", [names]);
    return (rows as { n: string }[]).map((r) => r.n).sort();
  });
}

async function account() {
  const s = await testServer();
  return { host: s.host, port: s.port, user: s.user, password: s.password };
}

test("drops the databases its runs created and keeps a pre-existing one it migrated", async () => {
  const pre = await createTestDatabase("bench_pre");
  const bystander = await createTestDatabase("bench_other");
  keep.push(pre, bystander);
  const fresh = [uniqueName("bench_a"), uniqueName("bench_b")];
  const names = [pre.name, ...fresh];
  const r = await benchMigrate(await account(), 3, (i) => names[i]);
  expect(r.fresh).toHaveLength(3);
  expect(r.noop).toHaveLength(3);
  expect(r.created).toEqual(fresh);
  expect(await existing([...names, bystander.name])).toEqual([pre.name, bystander.name].sort());
});

test("a failing run still drops what earlier runs created, and not the database it failed on", async () => {
  // A pre-existing database migrate refuses (tb_vod with another primary key cannot be repaired).
  const bad = await createTestDatabase("bench_bad");
  keep.push(bad);
  await withRootConnection(
    (c) => c.query("CREATE TABLE tb_vod (userid varchar(50) NOT NULL, file_id varchar(150) NOT NULL, PRIMARY KEY (file_id))"),
    bad.name,
  );
  const first = uniqueName("bench_c");
  const names = [first, bad.name];
  await expect(benchMigrate(await account(), 2, (i) => names[i])).rejects.toThrow(/primary key/);
  expect(await existing(names)).toEqual([bad.name]);
});
