import { Password } from "@cdktf/provider-random/lib/password";
import { CssCallbackRuleAttachment } from "../../.gen/providers/tencentcloud/css-callback-rule-attachment";
import { CssCallbackTemplate } from "../../.gen/providers/tencentcloud/css-callback-template";
import { CssDomain } from "../../.gen/providers/tencentcloud/css-domain";
import { CssRecordRuleAttachment } from "../../.gen/providers/tencentcloud/css-record-rule-attachment";
import { CssRecordTemplate } from "../../.gen/providers/tencentcloud/css-record-template";
import { DnspodRecord } from "../../.gen/providers/tencentcloud/dnspod-record";
import { LiveCallbacks } from "../../stacks/live-callbacks";
import { LiveDomains } from "../../stacks/live-domains";
import { LiveRecording } from "../../stacks/live-recording";
import { buildStack, envConfig, onlyResource, synthStack, synthScope } from "../helpers/stacks-fixtures";

describe("LiveDomains", () => {
  test("push domain is domain_type 0, play domain is domain_type 1 with play_type", () => {
    const out = synthScope((s) => {
      new LiveDomains(s, "d", { pushDomain: "push.example.com", playDomain: "play.example.com", playType: 2 });
    });
    expect(out).toHaveResourceWithProperties(CssDomain, { domain_name: "push.example.com", domain_type: 0 });
    expect(out).toHaveResourceWithProperties(CssDomain, { domain_name: "play.example.com", domain_type: 1, play_type: 2 });
    expect(out).not.toHaveResource(DnspodRecord);
  });

  test("a DNSPod CNAME for the play domain only when a zone and target are given", () => {
    const out = synthScope((s) => {
      new LiveDomains(s, "d", {
        pushDomain: "push.live.example.com",
        playDomain: "play.live.example.com",
        dnspod: { zone: "example.com", cnameTarget: "play.live.example.com.livecdn.com" },
      });
    });
    expect(out).toHaveResourceWithProperties(DnspodRecord, {
      domain: "example.com",
      sub_domain: "play.live",
      record_type: "CNAME",
      record_line: "默认",
      value: "play.live.example.com.livecdn.com",
      ttl: 600,
    });
  });

  test("rejects push == play and a zone that is not a parent of the play domain", () => {
    expect(() => synthScope((s) => void new LiveDomains(s, "d", { pushDomain: "a.example.com", playDomain: "A.example.com" }))).toThrow(
      /props\.playDomain must differ/,
    );
    expect(() =>
      synthScope(
        (s) =>
          void new LiveDomains(s, "d", {
            pushDomain: "push.example.com",
            playDomain: "play.example.com",
            dnspod: { zone: "other.com", cnameTarget: "x.example.net" },
          }),
      ),
    ).toThrow(/props\.dnspod\.zone/);
  });

  test("prod (no dnspod section) has no DNS record", () => {
    expect(synthStack(buildStack(envConfig("prod"))).text).not.toHaveResource(DnspodRecord);
  });
});

describe("LiveCallbacks", () => {
  const make = (extra: Partial<ConstructorParameters<typeof LiveCallbacks>[2]> = {}) =>
    synthScope((s) => {
      new LiveCallbacks(s, "c", {
        namePrefix: "live-demo-dev",
        pushDomain: "push.example.com",
        recordNotifyUrl: "http://backend.example.com/callback/tape_callback.php",
        ...extra,
      });
    });

  test("template carries the record URL and a generated key (letters and digits, 32 long)", () => {
    const out = make();
    expect(out).toHaveResourceWithProperties(CssCallbackTemplate, {
      template_name: "live-demo-dev-callbacks",
      record_notify_url: "http://backend.example.com/callback/tape_callback.php",
      callback_key: "${random_password.callback_key.result}",
    });
    expect(out).toHaveResourceWithProperties(Password, { length: 32, special: false, upper: true, lower: true, numeric: true });
    const tpl = onlyResource(JSON.parse(out), "tencentcloud_css_callback_template");
    expect(tpl.stream_begin_notify_url).toBeUndefined();
  });

  test("rule binds the template to the PUSH domain and the app name, template_id as a number reference", () => {
    const out = make({ appName: "live" });
    expect(out).toHaveResourceWithProperties(CssCallbackRuleAttachment, {
      domain_name: "push.example.com",
      app_name: "live",
      template_id: "${tencentcloud_css_callback_template.callbacks.id}",
    });
  });

  test("optional stream begin/end URLs", () => {
    expect(make({ streamBeginNotifyUrl: "https://b.example.com/begin", streamEndNotifyUrl: "https://b.example.com/end" })).toHaveResourceWithProperties(
      CssCallbackTemplate,
      { stream_begin_notify_url: "https://b.example.com/begin", stream_end_notify_url: "https://b.example.com/end" },
    );
  });

  test("a named variable supplies the key instead of random_password (sensitive, no default)", () => {
    const json = JSON.parse(make({ keyVariable: "live_callback_key" }));
    expect(json.resource.random_password).toBeUndefined();
    expect(json.variable.live_callback_key).toMatchObject({ type: "string", sensitive: true });
    expect(json.variable.live_callback_key.default).toBeUndefined();
    expect(onlyResource(json, "tencentcloud_css_callback_template").callback_key).toBe("${var.live_callback_key}");
  });

  test("rejects a non-http record URL", () => {
    expect(() => make({ recordNotifyUrl: "ftp://x/y" })).toThrow(/props\.recordNotifyUrl/);
  });

  test("in the stack the rule uses the push domain resource and the configured app name", () => {
    const { json } = synthStack(buildStack(envConfig("dev", (d) => (d.live.app_name = "demoapp"))));
    expect(onlyResource(json, "tencentcloud_css_callback_rule_attachment")).toMatchObject({
      domain_name: "${tencentcloud_css_domain.push_domain.domain_name}",
      app_name: "demoapp",
    });
    expect(onlyResource(json, "tencentcloud_css_callback_template").record_notify_url).toBe(
      "http://backend.dev.live-demo.example.com/callback/tape_callback.php",
    );
  });
});

describe("LiveRecording", () => {
  test("enables exactly the configured formats", () => {
    const out = synthScope((s) => {
      new LiveRecording(s, "r", { namePrefix: "p", pushDomain: "push.example.com", formats: ["hls", "mp4"], storageDays: 7 });
    });
    const tpl = onlyResource(JSON.parse(out), "tencentcloud_css_record_template");
    expect(tpl.hls_param).toEqual({ enable: 1, record_interval: 1800, storage_time: 7 * 86400 });
    expect(tpl.mp4_param).toMatchObject({ enable: 1 });
    expect(tpl.flv_param).toBeUndefined();
    expect(tpl.aac_param).toBeUndefined();
    expect(tpl.mp3_param).toBeUndefined();
  });

  test("rule records on the push domain and app name", () => {
    const out = synthScope((s) => {
      new LiveRecording(s, "r", { namePrefix: "p", pushDomain: "push.example.com", appName: "live", formats: ["flv"] });
    });
    expect(out).toHaveResourceWithProperties(CssRecordRuleAttachment, {
      domain_name: "push.example.com",
      app_name: "live",
      template_id: "${tencentcloud_css_record_template.recording.id}",
    });
    expect(out).toHaveResourceWithProperties(CssRecordTemplate, { flv_param: { enable: 1, record_interval: 1800, storage_time: 0 } });
  });

  test("rejects an empty format list", () => {
    expect(() => synthScope((s) => void new LiveRecording(s, "r", { namePrefix: "p", pushDomain: "x.example.com", formats: [] }))).toThrow(
      /props\.formats/,
    );
  });

  test("in the stack the record rule binds to the push domain, never the play domain", () => {
    const { json } = synthStack(buildStack(envConfig("dev")));
    expect(onlyResource(json, "tencentcloud_css_record_rule_attachment").domain_name).toBe(
      "${tencentcloud_css_domain.push_domain.domain_name}",
    );
  });
});
