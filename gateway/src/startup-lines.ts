import type { RunningGateway } from './server';
import { governanceTokenFile } from './services';
import type { SeededDemo } from './demo/state';

/**
 * What `npm start` prints: where the gateway listens and keeps its data, and its secrets only on the
 * start that made them (stdout is often collected with the logs); on any other start, where they are kept.
 */
export function startupLines(gateway: RunningGateway, demo: SeededDemo | undefined): string[] {
  const { config, governanceToken, governanceTokenOrigin } = gateway.services;
  const lines = [
    `河南链 gateway on the ${config.ledger} ledger: ${gateway.url}`,
    `  portal (证照核验): ${gateway.url}/`,
    `  OpenAPI: ${gateway.url}/openapi.json`,
    `  data: ${config.dataDir}`,
  ];
  if (config.fabric) lines.push(`  Fabric: acting for ${config.fabric.org} (profile ${config.fabric.profile})`);
  const kept = governanceTokenFile(config.dataDir);
  lines.push(
    governanceTokenOrigin === 'made'
      ? `  governance token (shown this once; kept in ${kept}): ${governanceToken}`
      : `  governance token: ${governanceTokenOrigin === 'configured' ? 'GOVERNANCE_TOKEN' : `kept in ${kept}`}`,
  );
  if (demo) {
    const agencies = demo.data.tokens.filter((t) => t.label !== 'governance');
    if (demo.seededNow) {
      lines.push(`  demo agency tokens (Authorization: Bearer <token>; shown this once, kept in ${demo.file}):`);
      for (const t of agencies) lines.push(`    ${t.token}  ${t.label}`);
    } else {
      lines.push(`  demo agency tokens: kept in ${demo.file}`);
    }
    lines.push(`  demo licence in the portal: ${gateway.url}/verify/licence/${encodeURIComponent(demo.data.sampleLicenceId)}`);
    lines.push(`  demo licence to verify: curl -s -X POST ${gateway.url}/v1/verify/licence -H 'content-type: application/json' -d '{"id":"${demo.data.sampleLicenceId}"}'`);
  }
  return lines;
}
