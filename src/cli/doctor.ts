// `switchboard doctor [--json] [--no-chat]`: the connection doctor over the CLI's settings, keys and environment.
// Exit 0 only when every step passes.
import { formatDoctorStep, runDoctor } from '../core/doctor/doctor';
import type { NetworkConfig } from '../core/net/proxy';
import type { ConfigError } from '../core/base/errors';
import { GATEWAY_SECRET, PROVIDER_SECRET_PREFIX, providerKeyEnv, SWITCHBOARD_KEY_ENV } from '../core/config/keys';
import { envKeys, type CliOptions } from './options';
import { terminalJson, terminalSafe } from './terminalText';

const keyVariable = (secretName: string) =>
  secretName === GATEWAY_SECRET ? SWITCHBOARD_KEY_ENV : providerKeyEnv(secretName.slice(PROVIDER_SECRET_PREFIX.length));

export async function runDoctorCommand(opts: CliOptions, network: NetworkConfig, settingsProblems: readonly ConfigError[] = []): Promise<number> {
  const report = await runDoctor({
    config: opts.config,
    userSetBaseUrl: opts.userSetBaseUrl,
    settingsProblems,
    keys: envKeys(process.env, opts),
    network,
    howToSetKey: (ep) => `set ${keyVariable(ep.secretName)} in the environment`,
    chat: opts.chat,
    chatModel: opts.model,
    // A step's detail can quote the upstream's answer: printed like everything else that came from outside.
    onStep: opts.json ? undefined : (s) => process.stdout.write(terminalSafe(formatDoctorStep(s)) + '\n'),
  });
  if (opts.json) process.stdout.write(terminalJson(report) + '\n');
  else process.stdout.write(report.ok ? 'Every check passed.\n' : 'Some checks failed: see the → lines above.\n');
  return report.ok ? 0 : 1;
}
