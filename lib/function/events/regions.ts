import {isRegionId} from '../../core/names.js';

/*
Short region codes some Tencent payloads carry instead of region ids (a COS trigger's `cosBucket.region`
is `"cd"` for ap-chengdu). No single document lists the codes a COS trigger may send, so the table joins:

1. COS SDK aliases — tencentyun/cos-php-sdk-v5 `src/Qcloud/Cos/Common.php` `region_map()`:
   cn-east, cn-south, cn-north, cn-south-2, cn-southwest, sg, tj, bj, sh, gz, cd, sgp.
2. Tencent Cloud's platform-wide short codes — the `IPRegion` value lists in tencentcloud-sdk-nodejs
   (`services/dayu/v20180709/dayu_models.d.ts`, `services/waf/v20180125/waf_models.d.ts`): bj, cd, cq, gz,
   gzopen, hk, kr (Seoul), sh, shjr, szjr, bjjr, sg, th (Bangkok), de (Frankfurt), usw (Silicon Valley),
   ca (Toronto, not California), jp, in (Mumbai), use (Virginia), ru, tpe, nj, jkt. SCF's own
   `eventQueue` (`qcs:0:scf:cd:…`) uses this scheme, so the COS trigger most likely does too.
3. Unverified city abbreviations (ger, mum, seo, tokyo, bkk, sv, va, tor, *fsi): kept because each names
   exactly one region, so a wrong guess cannot point at a different region than the sender meant.

Codes that name a zone rather than a public region (szx, tsn, qy, hzec, …) are left out on purpose: the
caller falls back to the function's own region, which is where a COS trigger's bucket always lives.
*/
const SHORT_REGIONS: Readonly<Record<string, string>> = Object.freeze({
	// 1. COS SDK aliases (legacy region names included: they still arrive from old configurations).
	'cn-east': 'ap-shanghai',
	'cn-south': 'ap-guangzhou',
	'cn-south-2': 'ap-guangzhou-2',
	'cn-north': 'ap-beijing-1',
	'cn-southwest': 'ap-chengdu',
	tj: 'ap-beijing-1',
	sgp: 'ap-singapore',
	// 2. Platform-wide short codes.
	bj: 'ap-beijing',
	sh: 'ap-shanghai',
	gz: 'ap-guangzhou',
	gzopen: 'ap-guangzhou-open',
	cd: 'ap-chengdu',
	cq: 'ap-chongqing',
	nj: 'ap-nanjing',
	hk: 'ap-hongkong',
	tpe: 'ap-taipei',
	sg: 'ap-singapore',
	th: 'ap-bangkok',
	jkt: 'ap-jakarta',
	in: 'ap-mumbai',
	kr: 'ap-seoul',
	jp: 'ap-tokyo',
	de: 'eu-frankfurt',
	ru: 'eu-moscow',
	usw: 'na-siliconvalley',
	use: 'na-ashburn',
	ca: 'na-toronto',
	shjr: 'ap-shanghai-fsi',
	szjr: 'ap-shenzhen-fsi',
	bjjr: 'ap-beijing-fsi',
	// 3. Unverified but unambiguous abbreviations.
	ger: 'eu-frankfurt',
	mum: 'ap-mumbai',
	seo: 'ap-seoul',
	tokyo: 'ap-tokyo',
	bkk: 'ap-bangkok',
	sv: 'na-siliconvalley',
	va: 'na-ashburn',
	tor: 'na-toronto',
	shfsi: 'ap-shanghai-fsi',
	szfsi: 'ap-shenzhen-fsi',
	bjfsi: 'ap-beijing-fsi',
});

/**
Map a short region code (`cd`, `gz`, `sgp`; case and surrounding spaces ignored) to its region id.
A well-formed region id passes through unchanged, so callers can hand over whatever the event carried.
Returns undefined for anything else.

@example
mapShortRegion('cd') // 'ap-chengdu'
mapShortRegion('ap-tokyo') // 'ap-tokyo'
mapShortRegion('xx') // undefined
*/
export function mapShortRegion(code: string): string | undefined {
	if (typeof code !== 'string') {
		return undefined;
	}

	const key = code.trim().toLowerCase();
	// The table first: legacy names such as `cn-east` look like region ids but are not current ones.
	if (Object.hasOwn(SHORT_REGIONS, key)) {
		return SHORT_REGIONS[key];
	}

	return isRegionId(key) ? key : undefined;
}
