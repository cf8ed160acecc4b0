// VS Code's proxy settings (`http.proxy`, `http.noProxy`, …) and `switchboard.tls.caFile` → the core's NetworkConfig.
import * as vscode from 'vscode';
import type { Config } from '../core/config/settings';
import { networkFromEnv, type NetworkConfig } from '../core/net/proxyConfig';

/**
 * The core's NetworkConfig from VS Code's `http.proxy`, `http.noProxy`, `http.proxyAuthorization`,
 * `http.proxyStrictSSL` (the environment's proxy variables when those are empty, as VS Code does) and
 * `switchboard.tls.caFile`. `http.proxySupport: off` means no proxy. VS Code's own system certificates are added by
 * its TLS patch, which our agents leave in place (extra CAs go in a secure context, not `ca`).
 */
export function networkFromVscode(config: Config): NetworkConfig {
  const http = vscode.workspace.getConfiguration('http');
  const fromEnv = networkFromEnv(process.env, config.tls.caFile || undefined);
  if (http.get<string>('proxySupport', 'override') === 'off') return { ...fromEnv, proxy: undefined };
  const noProxy = http.get<string[]>('noProxy', []);
  return {
    ...fromEnv,
    proxy: http.get<string>('proxy') || fromEnv.proxy,
    noProxy: noProxy.length ? noProxy : fromEnv.noProxy,
    proxyAuthorization: http.get<string | null>('proxyAuthorization') || undefined,
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
  };
}

/** Fires when a setting that shapes the network changed. */
export const affectsNetwork = (e: vscode.ConfigurationChangeEvent): boolean =>
  ['http.proxy', 'http.noProxy', 'http.proxyAuthorization', 'http.proxyStrictSSL', 'http.proxySupport', 'switchboard.tls.caFile'].some((s) =>
    e.affectsConfiguration(s),
  );
