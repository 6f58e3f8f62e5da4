/**
 * LiveDomains: the CSS push (domain_type 0) and play (domain_type 1) domains, and — when the environment names a
 * DNSPod zone and the CNAME target — the play domain's CNAME record (the schema exposes no CNAME attribute, so the
 * target comes from the environment).
 */
import { Construct } from "constructs";
import { CssDomain } from "../.gen/providers/tencentcloud/css-domain";
import { DnspodRecord } from "../.gen/providers/tencentcloud/dnspod-record";

export interface LiveDomainsDnspodProps {
  /** The DNSPod zone (must already exist in the account), a parent of the play domain. */
  readonly zone: string;
  /** The CNAME target Tencent Cloud Live assigned to the play domain. */
  readonly cnameTarget: string;
  /** DNSPod line name. Default: "默认" (default line). */
  readonly recordLine?: string;
  /** TTL in seconds. Default: 600. */
  readonly ttl?: number;
}

export interface LiveDomainsProps {
  /** Push domain (OBS/app pushes here). */
  readonly pushDomain: string;
  /** Play domain; must differ from the push domain. */
  readonly playDomain: string;
  /** Play coverage: 1 mainland China, 2 global, 3 outside mainland. Default: 1. */
  readonly playType?: 1 | 2 | 3;
  /** Create the play domain's CNAME in DNSPod. Default: no record. */
  readonly dnspod?: LiveDomainsDnspodProps;
}

export class LiveDomains extends Construct {
  readonly push: CssDomain;
  readonly play: CssDomain;
  readonly playCname?: DnspodRecord;
  /** Push domain name (token referencing the push domain resource). */
  readonly pushDomainName: string;
  /** Play domain name (token referencing the play domain resource). */
  readonly playDomainName: string;

  constructor(scope: Construct, id: string, props: LiveDomainsProps) {
    super(scope, id);
    if (!props.pushDomain || !props.playDomain) throw new Error("LiveDomains: props.pushDomain and props.playDomain are required");
    if (props.pushDomain.toLowerCase() === props.playDomain.toLowerCase()) {
      throw new Error(`LiveDomains: props.playDomain must differ from props.pushDomain (both "${props.pushDomain}")`);
    }
    this.push = new CssDomain(this, "push", { domainName: props.pushDomain, domainType: 0, isDelayLive: 0 });
    this.push.overrideLogicalId("push_domain");
    this.play = new CssDomain(this, "play", {
      domainName: props.playDomain,
      domainType: 1,
      playType: props.playType ?? 1,
      isDelayLive: 0,
    });
    this.play.overrideLogicalId("play_domain");
    this.pushDomainName = this.push.domainName;
    this.playDomainName = this.play.domainName;

    if (props.dnspod) {
      const { zone, cnameTarget } = props.dnspod;
      if (!props.playDomain.endsWith(`.${zone}`)) {
        throw new Error(`LiveDomains: props.dnspod.zone "${zone}" must be a parent of the play domain "${props.playDomain}"`);
      }
      this.playCname = new DnspodRecord(this, "play-cname", {
        domain: zone,
        subDomain: props.playDomain.slice(0, -(zone.length + 1)),
        recordType: "CNAME",
        recordLine: props.dnspod.recordLine ?? "默认",
        value: cnameTarget,
        ttl: props.dnspod.ttl ?? 600,
        dependsOn: [this.play],
      });
      this.playCname.overrideLogicalId("play_cname");
    }
  }
}
