/**
 * Run by the exporter with `spawnSync` while the app's process is exiting (`process.exit`, where nothing
 * asynchronous runs any more): reads the pending payload from stdin, sends it with the same client and
 * delivery code as the live exporter, prints what happened as JSON, and exits.
 */
import { AgentOpsApiClient } from './exporter/api-client.js';
import { deliverGroup, groupSize, type ExitPlan, type ExitReport } from './exporter/delivery.js';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  const plan = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ExitPlan;
  const api = new AgentOpsApiClient(plan);
  for (const [id, jwt] of Object.entries(plan.jwts)) api.jwts.set(id, jwt);
  const ensure = async (id: string, model?: ExitPlan['sessionStarts'][string]) => {
    const m = model ?? plan.sessionStarts[id];
    if (!api.jwts.has(id) && m) await api.createSession(m);
  };
  const report: ExitReport = { delivered: 0, dropped: 0, errors: [] };
  await Promise.all(
    plan.groups.map(async (g) => {
      try {
        const r = await deliverGroup(api, g, ensure);
        report.delivered += groupSize(g) - r.refused;
        report.dropped += r.refused;
        if (r.refusal) report.errors.push(r.refusal);
      } catch (e) {
        report.dropped += groupSize(g);
        report.errors.push((e as Error).message);
      }
    }),
  );
  process.stdout.write(JSON.stringify(report));
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ delivered: 0, dropped: -1, errors: [String(e)] }));
});
