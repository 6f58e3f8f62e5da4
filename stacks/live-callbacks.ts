/**
 * LiveCallbacks: the CSS callback template (record callback → the backend's tape_callback.php; stream begin/end
 * optional) and its rule binding it to the PUSH domain and app name. The callback key is a random_password (letters
 * and digits, 32 long) unless a Terraform variable supplies it; either way it is a reference, never a literal.
 */
import { Construct } from "constructs";
import { Token, TerraformVariable } from "cdktf";
import { Password } from "@cdktf/provider-random/lib/password";
import { CssCallbackRuleAttachment } from "../.gen/providers/tencentcloud/css-callback-rule-attachment";
import { CssCallbackTemplate } from "../.gen/providers/tencentcloud/css-callback-template";

export interface LiveCallbacksProps {
  /** Template name prefix (`<prefix>-callbacks`). */
  readonly namePrefix: string;
  /** The push domain the rule binds to (normally `LiveDomains.pushDomainName`). */
  readonly pushDomain: string;
  /** Live app name (the `AppName` of push URLs). Default: "live". */
  readonly appName?: string;
  /** Record callback URL (`<backend>/callback/tape_callback.php`), http(s). */
  readonly recordNotifyUrl: string;
  /** Stream begin callback URL. Default: none. */
  readonly streamBeginNotifyUrl?: string;
  /** Stream end callback URL. Default: none. */
  readonly streamEndNotifyUrl?: string;
  /**
   * Name of a sensitive Terraform variable that supplies the callback key (set `TF_VAR_<name>` at deploy time).
   * Default: none — a random_password `callback_key` is generated.
   */
  readonly keyVariable?: string;
}

export class LiveCallbacks extends Construct {
  readonly template: CssCallbackTemplate;
  readonly rule: CssCallbackRuleAttachment;
  /** The generated key, when no variable supplies it. */
  readonly keyPassword?: Password;
  /** Template id (string token; rules take `Token.asNumber(templateId)`). */
  readonly templateId: string;
  /** The callback key (sensitive token). */
  readonly callbackKey: string;

  constructor(scope: Construct, id: string, props: LiveCallbacksProps) {
    super(scope, id);
    for (const [field, url] of [
      ["recordNotifyUrl", props.recordNotifyUrl],
      ["streamBeginNotifyUrl", props.streamBeginNotifyUrl],
      ["streamEndNotifyUrl", props.streamEndNotifyUrl],
    ] as const) {
      if (url !== undefined && !/^https?:\/\/\S+$/.test(url)) {
        throw new Error(`LiveCallbacks: props.${field} must be an http:// or https:// URL (got "${url}")`);
      }
    }
    if (props.keyVariable !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(props.keyVariable)) {
      throw new Error(`LiveCallbacks: props.keyVariable must be a Terraform variable name (got "${props.keyVariable}")`);
    }
    if (props.keyVariable) {
      const v = new TerraformVariable(this, "key", {
        type: "string",
        sensitive: true,
        nullable: false,
        description: "Live callback key (API_KEY of the backend); pass it as TF_VAR_" + props.keyVariable,
      });
      v.overrideLogicalId(props.keyVariable);
      this.callbackKey = v.stringValue;
    } else {
      this.keyPassword = new Password(this, "key", { length: 32, special: false, upper: true, lower: true, numeric: true });
      this.keyPassword.overrideLogicalId("callback_key");
      this.callbackKey = this.keyPassword.result;
    }
    this.template = new CssCallbackTemplate(this, "template", {
      templateName: `${props.namePrefix}-callbacks`,
      description: "live-demo: recording callback to the backend's tape_callback.php",
      recordNotifyUrl: props.recordNotifyUrl,
      streamBeginNotifyUrl: props.streamBeginNotifyUrl,
      streamEndNotifyUrl: props.streamEndNotifyUrl,
      callbackKey: this.callbackKey,
    });
    this.template.overrideLogicalId("callbacks");
    this.templateId = this.template.id;
    this.rule = new CssCallbackRuleAttachment(this, "rule", {
      domainName: props.pushDomain,
      appName: props.appName ?? "live",
      templateId: Token.asNumber(this.template.id),
    });
    this.rule.overrideLogicalId("callbacks");
  }
}
