/**
 * tencentcloud_cam_user: GetUser (name, remark, console login, contact fields), the Tag API (tags), and
 * ListAccessKeys for the API key the stack created for the user (output `signer_secret_id`: it must still exist
 * and be active — the backend signs uploads with it).
 */
import { maskSecretId } from "../../common/mask";
import type { Reader } from "../types";
import { asList, known, knownText, manual, tagsOf } from "./support";

type Obj = Record<string, unknown>;

const KEY_FIX = manual(
  "API 密钥被停用时：在 CAM 控制台 › 用户 › API 密钥 重新启用（或 UpdateAccessKey Status=Active）。密钥被删除时：用 `terraform apply -replace=tencentcloud_cam_user.<name>` 重新创建该用户（cdktf deploy 不会重建密钥），再把新输出 signer_secret_id / signer_secret_key 写入后台的 COSKEY_SECRECTID / COSKEY_SECRECTKEY。",
  "If the key was disabled: enable it again (CAM console › Users › API keys, or UpdateAccessKey Status=Active). If it was deleted: re-create the user with `terraform apply -replace=tencentcloud_cam_user.<name>` (a plain cdktf deploy does not re-create the key), then put the new outputs signer_secret_id / signer_secret_key into the backend's COSKEY_SECRECTID / COSKEY_SECRECTKEY.",
);

export const reader: Reader = {
  type: "tencentcloud_cam_user",
  service: "cam",
  attributes: {
    name: { compare: "exact", from: "GetUser: Name" },
    remark: { compare: "exact", from: "GetUser: Remark", expected: "" },
    console_login: { compare: "bool", from: "GetUser: ConsoleLogin", expected: false },
    phone_num: { compare: "exact", from: "GetUser: PhoneNum" },
    email: { compare: "exact", from: "GetUser: Email" },
    country_code: { compare: "exact", from: "GetUser: CountryCode" },
    tags: { compare: "map", from: "Tag GetResources: qcs::cam::uin/:uin/<uin>", expected: {} },
    secret_id: { compare: "secret-id", from: "ListAccessKeys(TargetUin): the output signer_secret_id, status Active", fix: KEY_FIX },
  },
  notComparable: {
    use_api: "used only when the user is created (an API key is made then); the key itself is compared as secret_id",
    secret_key: "never returned by any API",
    password: "write-only: no API returns a console password",
    need_reset_password: "applies to the next console login only; not returned by GetUser",
    force_delete: "provider-side switch for deletion; CAM does not store it",
  },

  identity: (d) => knownText(d, "name"),

  async read(ctx, d, name) {
    const u = await ctx.api.request<Obj>("cam", "GetUser", { Name: name });
    const uin = String(u.Uin);
    const [tags, keys] = await Promise.all([
      tagsOf(ctx, `qcs::cam::uin/:uin/${uin}`),
      ctx.api.request<{ AccessKeys?: Obj[] }>("cam", "ListAccessKeys", { TargetUin: Number(uin) }),
    ]);
    const list = asList<Obj>(keys.AccessKeys).map((k) => ({ id: String(k.AccessKeyId), status: String(k.Status ?? "Active") }));
    const wanted = known(d, "secret_id");
    const mine = typeof wanted === "string" ? list.find((k) => k.id === wanted) : undefined;
    const active = list.filter((k) => k.status === "Active");
    const liveKey = mine?.status === "Active" ? mine.id : active[0]?.id ?? null;
    const notes =
      typeof wanted !== "string"
        ? undefined
        : mine && mine.status !== "Active"
          ? { zh: `密钥 ${maskSecretId(wanted)} 存在但状态为 ${mine.status}`, en: `the key ${maskSecretId(wanted)} exists but is ${mine.status}` }
          : !mine
            ? { zh: `用户已没有密钥 ${maskSecretId(wanted)}`, en: `the user no longer has the key ${maskSecretId(wanted)}` }
            : undefined;
    return {
      exists: true,
      id: name,
      attrs: {
        name: String(u.Name),
        remark: String(u.Remark ?? ""),
        console_login: Number(u.ConsoleLogin ?? 0) === 1,
        phone_num: String(u.PhoneNum ?? ""),
        email: String(u.Email ?? ""),
        country_code: String(u.CountryCode ?? ""),
        uin,
        uid: u.Uid,
        tags,
        secret_id: liveKey,
      },
      ...(notes ? { notes: { secret_id: notes } } : {}),
    };
  },
};
