// `switchboard doctor [--json] [--no-chat]`: the connection doctor over the CLI's settings, keys and environment.
// Exit 0 only when every step passes.
import { formatDoctorStep, runDoctor } from '../core/doctor';
import type { NetworkConfig } from '../core/network';
import type { ConfigError } from '../core/errors';
import { envKeys, type CliOptions } from './options';

const keyVariable = (secretName: string) =>
  secretName === 'switchboard.apiKey'
    ? 'SWITCHBOARD_API_KEY'
    : `SWITCHBOARD_PROVIDER_KEY_${secretName.slice('switchboard.providerKey.'.length).toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;


export async function runDoctorCommand(opts: CliOptions, network: NetworkConfig, settingsProblems: readonly ConfigError[] = []): Promise<number> {
  const report = await runDoctor({
    config: opts.config,
    userSetBaseUrl: opts.userSetBaseUrl,
    settingsProblems,
    keys: envKeys(process.env),
    network,
    howToSetKey: (ep) => `set ${keyVariable(ep.secretName)} in the environment`,
    chat: opts.chat,
    chatModel: opts.model,
    onStep: opts.json ? undefined : (s) => process.stdout.write(formatDoctorStep(s) + '\n'),
  });
  if (opts.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(report.ok ? 'Every check passed.\n' : 'Some checks failed: see the → lines above.\n');
  return report.ok ? 0 : 1;
}
