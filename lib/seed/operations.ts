/**
 * The operational side of the demo organisation: alarms with history, the
 * X-Ray service graph in 5-minute buckets, trace summaries. Pure and
 * deterministic. (Postmortems: lib/seed/postmortems.ts.)
 */
import { ACCOUNTS, type TCatalog, type TIncidentRow, type TSeedOptions } from "@/lib/seed/demo-org";
import { histogramFromSeconds } from "@/lib/servicemap/histogram";
import { Random } from "@/lib/seed/random";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface TAlarmRow { id: number; awsAccountId: number; region: string; arn: string; name: string; type: "METRIC"; serviceId: number; severity: string; state: "OK" | "ALARM" | "INSUFFICIENT_DATA"; stateReason: string; stateUpdatedAt: Date; namespace: string; metricName: string; dimensions: unknown; threshold: number; comparison: string }
export interface TTransitionRow { alarmId: number; fromState: string | null; toState: string; reason: string; at: Date }
export interface TNodeRow { id: number; awsAccountId: number; region: string; name: string; type: string; serviceId: number | null }
export interface TEdgeRow { id: number; sourceId: number; targetId: number }
export interface TBucketRow { ownerId: number; bucketStart: Date; bucketSeconds: number; requests: number; errors: number; faults: number; throttles: number; totalResponseTime: number; latencyBins: number[]; latencyCounts: number[] }
export interface TTraceRow { awsAccountId: number; region: string; traceId: string; serviceId: number; startedAt: Date; durationMs: number; responseMs: number; hasFault: boolean; hasError: boolean; hasThrottle: boolean; httpMethod: string; httpUrl: string; httpStatus: number; entryPoint: string; reason: "fault" | "error" | "throttle" | "slow" }

export interface TOperations {
  alarms: TAlarmRow[];
  transitions: TTransitionRow[];
  incidentAlarms: { incidentId: number; alarmId: number }[];
  nodes: TNodeRow[];
  edges: TEdgeRow[];
  nodeBuckets: TBucketRow[];
  edgeBuckets: TBucketRow[];
  traces: TTraceRow[];
}

const ALARM_KINDS = [
  { suffix: "5xx-rate", metric: "HTTPCode_Target_5XX_Count", namespace: "AWS/ApplicationELB", threshold: 25, comparison: "GreaterThanThreshold", severity: "SEV2" },
  { suffix: "p99-latency", metric: "TargetResponseTime", namespace: "AWS/ApplicationELB", threshold: 1.5, comparison: "GreaterThanThreshold", severity: "SEV3" },
  { suffix: "cpu-high", metric: "CPUUtilization", namespace: "AWS/ECS", threshold: 85, comparison: "GreaterThanThreshold", severity: "SEV4" },
] as const;

/** Alarms follow the incidents of the last 30 days: ALARM when one opened, OK when it resolved. */
export function buildOperations(catalog: TCatalog, options: TSeedOptions, recentIncidents: TIncidentRow[]): TOperations {
  const rng = new Random(options.seed + 1);
  const now = options.now.getTime();
  const alarms: TAlarmRow[] = [];
  const transitions: TTransitionRow[] = [];
  const incidentAlarms: { incidentId: number; alarmId: number }[] = [];

  for (const service of catalog.services) {
    const account = ACCOUNTS.find((a) => a.id === service.accountId)!;
    ALARM_KINDS.forEach((kind) => {
      const id = alarms.length + 1;
      const name = `${service.slug}-${kind.suffix}`;
      alarms.push({
        id,
        awsAccountId: service.accountId,
        region: service.region,
        arn: `arn:aws:cloudwatch:${service.region}:${account.accountId}:alarm:${name}`,
        name,
        type: "METRIC",
        serviceId: service.id,
        severity: kind.severity,
        state: "OK",
        stateReason: "Threshold Crossed: no datapoints were greater than the threshold.",
        stateUpdatedAt: new Date(now - 30 * DAY),
        namespace: kind.namespace,
        metricName: kind.metric,
        dimensions: [{ name: "Service", value: service.slug }],
        threshold: kind.threshold,
        comparison: kind.comparison,
      });
    });
  }
  const byService = new Map<number, TAlarmRow[]>();
  for (const alarm of alarms) byService.set(alarm.serviceId, [...(byService.get(alarm.serviceId) ?? []), alarm]);

  const windowStart = now - 30 * DAY;
  for (const incident of recentIncidents) {
    if (incident.openedAt.getTime() < windowStart) continue;
    const alarm = (byService.get(incident.serviceId) ?? [])[0];
    if (!alarm) continue;
    incidentAlarms.push({ incidentId: incident.id, alarmId: alarm.id });
    transitions.push({ alarmId: alarm.id, fromState: "OK", toState: "ALARM", reason: `Threshold Crossed: 1 datapoint [${(alarm.threshold * 2.4).toFixed(1)}] was greater than the threshold (${alarm.threshold}).`, at: incident.openedAt });
    if (incident.resolvedAt) {
      transitions.push({ alarmId: alarm.id, fromState: "ALARM", toState: "OK", reason: `Threshold Crossed: no datapoints were greater than the threshold (${alarm.threshold}).`, at: incident.resolvedAt });
    }
  }
  // A little noise: latency alarms that flapped without becoming incidents.
  for (const alarm of alarms.filter((a) => a.metricName === "TargetResponseTime")) {
    if (!rng.chance(0.3)) continue;
    const at = windowStart + rng.next() * (now - windowStart - HOUR);
    transitions.push({ alarmId: alarm.id, fromState: "OK", toState: "ALARM", reason: "Threshold Crossed: 3 of 5 datapoints were greater than the threshold.", at: new Date(at) });
    transitions.push({ alarmId: alarm.id, fromState: "ALARM", toState: "OK", reason: "Threshold Crossed: no datapoints were greater than the threshold.", at: new Date(at + rng.int(5, 40) * MINUTE) });
  }
  // One alarm with no data: a service whose metric stopped reporting.
  const silent = alarms.find((a) => a.metricName === "CPUUtilization" && a.serviceId === catalog.services.length);
  if (silent) transitions.push({ alarmId: silent.id, fromState: "OK", toState: "INSUFFICIENT_DATA", reason: "Insufficient Data: 5 datapoints were unknown.", at: new Date(now - 3 * HOUR) });

  transitions.sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const t of transitions) {
    const alarm = alarms[t.alarmId - 1]!;
    alarm.state = t.toState as TAlarmRow["state"];
    alarm.stateReason = t.reason;
    alarm.stateUpdatedAt = t.at;
  }

  // Service graph: a client, the services, and the data stores behind them.
  const nodes: TNodeRow[] = [];
  const edges: TEdgeRow[] = [];
  const home = ACCOUNTS[0];
  nodes.push({ id: 1, awsAccountId: home.id, region: home.regions[0], name: "clients", type: "client", serviceId: null });
  for (const service of catalog.services) {
    nodes.push({ id: nodes.length + 1, awsAccountId: service.accountId, region: service.region, name: service.slug, type: rng.chance(0.3) ? "AWS::Lambda::Function" : "AWS::ECS::Container", serviceId: service.id });
  }
  const storeTypes = ["AWS::DynamoDB::Table", "AWS::RDS::DBInstance", "AWS::SQS::Queue", "AWS::S3::Bucket", "AWS::ElastiCache::Cluster"];
  const storeCount = Math.max(6, Math.round(catalog.services.length / 4));
  const storeIds: number[] = [];
  for (let i = 0; i < storeCount; i++) {
    const id = nodes.length + 1;
    storeIds.push(id);
    nodes.push({ id, awsAccountId: home.id, region: home.regions[0], name: `store-${i + 1}`, type: storeTypes[i % storeTypes.length]!, serviceId: null });
  }
  const serviceNodeIds = nodes.filter((n) => n.serviceId !== null).map((n) => n.id);
  const edgeKeys = new Set<string>();
  const addEdge = (sourceId: number, targetId: number) => {
    const key = `${sourceId}>${targetId}`;
    if (sourceId === targetId || edgeKeys.has(key)) return;
    edgeKeys.add(key);
    edges.push({ id: edges.length + 1, sourceId, targetId });
  };
  serviceNodeIds.forEach((id, i) => {
    if (i % 5 === 0) addEdge(1, id); // each team's front door
    const calls = rng.int(0, 2);
    for (let k = 0; k < calls; k++) {
      const target = serviceNodeIds[(i + rng.int(1, serviceNodeIds.length - 1)) % serviceNodeIds.length]!;
      if (target > id) addEdge(id, target); // keep the graph acyclic: calls go "down"
    }
    addEdge(id, rng.pick(storeIds));
  });

  const nodeBuckets: TBucketRow[] = [];
  const edgeBuckets: TBucketRow[] = [];
  const bucketMs = 5 * MINUTE;
  const lastBucket = Math.floor(now / bucketMs) * bucketMs - bucketMs;
  const traffic = new Map<number, number>(nodes.map((n) => [n.id, rng.int(50, 3000)]));
  const diurnal = (t: number) => 0.45 + 0.55 * Math.sin(((new Date(t).getUTCHours() - 6) / 24) * 2 * Math.PI) ** 2;
  const firstRaw = lastBucket - 24 * HOUR + bucketMs;
  // A week of history: the last day in 5-minute buckets (their hourly rows are derived when stored), the six before as rolled-up hours.
  for (let t = Math.floor(firstRaw / HOUR) * HOUR - 6 * DAY; t < Math.floor(firstRaw / HOUR) * HOUR; t += HOUR) {
    for (const node of nodes) if (node.type !== "client") nodeBuckets.push(bucket(node.id, t, traffic.get(node.id)! * diurnal(t) * 12, rng, 3600));
    for (const edge of edges) edgeBuckets.push(bucket(edge.id, t, traffic.get(edge.targetId)! * diurnal(t) * 0.6 * 12, rng, 3600));
  }
  // A few services in trouble over the last hours, so the map has something to show: faults, throttles, client errors.
  const trouble = new Map<number, TTrouble>([
    [serviceNodeIds[3] ?? 0, "fault"],
    [serviceNodeIds[17] ?? 0, "throttle"],
    [serviceNodeIds[26] ?? 0, "error"],
  ]);
  for (let t = firstRaw; t <= lastBucket; t += bucketMs) {
    const isRecent = lastBucket - t < 3 * HOUR;
    // Clients have no statistics of their own in X-Ray: only their edges.
    for (const node of nodes) if (node.type !== "client") nodeBuckets.push(bucket(node.id, t, traffic.get(node.id)! * diurnal(t), rng, 300, isRecent ? trouble.get(node.id) : undefined));
    for (const edge of edges) edgeBuckets.push(bucket(edge.id, t, traffic.get(edge.targetId)! * diurnal(t) * 0.6, rng));
  }

  const traces: TTraceRow[] = [];
  for (const service of catalog.services) {
    const count = rng.int(3, 8);
    for (let i = 0; i < count; i++) {
      const hasFault = rng.chance(0.4);
      const durationMs = hasFault ? rng.int(50, 3000) : rng.int(800, 6000);
      const hasError = !hasFault && rng.chance(0.5);
      const hasThrottle = rng.chance(0.05);
      const httpStatus = hasFault ? 500 : hasError ? (rng.chance(0.5) ? 429 : 404) : 200;
      traces.push({
        awsAccountId: service.accountId,
        region: service.region,
        traceId: `1-${Math.floor((now - rng.int(1, 24 * 60) * MINUTE) / 1000).toString(16)}-${rng.hex(24)}`,
        serviceId: service.id,
        startedAt: new Date(now - rng.int(1, 24 * 60) * MINUTE),
        durationMs,
        responseMs: durationMs * 0.95,
        hasFault,
        hasError,
        hasThrottle,
        httpMethod: rng.pick(["GET", "POST", "PUT"]),
        httpUrl: `https://api.example.com/${service.slug}/${rng.pick(["items", "orders", "v2/search", "health"])}`,
        httpStatus,
        entryPoint: service.slug,
        reason: hasFault ? "fault" : hasThrottle ? "throttle" : hasError ? "error" : "slow",
      });
    }
  }

  return { alarms, transitions, incidentAlarms, nodes, edges, nodeBuckets, edgeBuckets, traces };
}

type TTrouble = "fault" | "throttle" | "error";

function bucket(ownerId: number, t: number, mean: number, rng: Random, bucketSeconds = 300, trouble?: TTrouble): TBucketRow {
  const requests = Math.max(0, Math.round(mean * (0.85 + rng.next() * 0.3)));
  const faults = Math.round(requests * (trouble === "fault" ? 0.06 : rng.chance(0.03) ? 0.04 : 0.002) * rng.next());
  const errors = Math.round(requests * (trouble === "error" ? 0.2 : 0.01) * rng.next());
  const throttles = trouble === "throttle" ? Math.round(requests * 0.05) : rng.chance(0.02) ? Math.round(requests * 0.01) : 0;
  const meanSeconds = 0.04 + rng.next() * 0.12;
  const histogram = histogramFromSeconds([
    [meanSeconds * 0.5, Math.round(requests * 0.5)],
    [meanSeconds, Math.round(requests * 0.4)],
    [meanSeconds * 4, requests - Math.round(requests * 0.5) - Math.round(requests * 0.4)],
  ]);
  return {
    ownerId,
    bucketStart: new Date(t),
    bucketSeconds,
    requests,
    errors,
    faults,
    throttles,
    totalResponseTime: Number((requests * meanSeconds).toFixed(3)),
    latencyBins: histogram.bins,
    latencyCounts: histogram.counts,
  };
}
