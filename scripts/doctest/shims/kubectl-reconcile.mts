// What the ToolHive operator makes of the shim's store: statuses for the
// configurations, and per MCPServer whose references resolve, the proxy
// Service `mcp-<name>-proxy` (port `http` = proxyPort:
// cmd/thv-operator/controllers/mcpserver_controller.go@v0.44.0 serviceForMCPServer,
// cmd/thv-operator/pkg/controllerutil/resources.go@v0.44.0) and a running
// reference proxy in --manifests mode.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import type { PageSpec as PageContext } from '../world.mts';
import {
  keyOf,
  typeOfKind,
  type K8sState,
  type ResourceType,
  type Stored,
} from './kubectl-store.mts';
import { startWorkload } from './workloads.mts';
import { TOKEN_HEADER_ENV } from '../../example-mcp-server/mcp-server.mts';

function cond(type: string, ok: boolean, reason: string, message: string) {
  return {
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastTransitionTime: new Date().toISOString(),
  };
}

export async function stopServer(s: K8sState, name: string) {
  const w = s.workloads.get(name);
  if (w) {
    await w.stop();
    s.workloads.delete(name);
  }
}

/** The operator's proxy Service for an MCPServer (what `port-forward service/…` and an Ingress reach). */
export function proxyServiceName(server: string): string {
  return `mcp-${server}-proxy`;
}

function ensureProxyService(s: K8sState, server: Stored, ns: string, port: number) {
  const name = proxyServiceName(String(server.obj.metadata['name']));
  const key = keyOf('Service', ns, name);
  if (s.objects.has(key)) return;
  s.objects.set(key, {
    type: typeOfKind('Service') as ResourceType,
    created: new Date(),
    ownedBy: String(server.obj.metadata['name']),
    obj: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns },
      spec: {
        type: 'ClusterIP',
        sessionAffinity: 'ClientIP',
        ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
      },
    },
  });
}

export async function reconcile(ctx: PageContext, s: K8sState): Promise<void> {
  for (const st of s.objects.values()) {
    if (st.type.kind === 'MCPExternalAuthConfig')
      st.obj.status = {
        conditions: [cond('Valid', true, 'ValidationSucceeded', 'spec is valid')],
        observedGeneration: 1,
      };
    if (st.type.kind === 'MCPOIDCConfig')
      st.obj.status = {
        conditions: [cond('Valid', true, 'ConfigValid', 'spec is valid')],
        observedGeneration: 1,
      };
  }
  for (const st of [...s.objects.values()]) {
    if (st.type.kind !== 'MCPServer') continue;
    const name = st.obj.metadata['name'] as string;
    const ns = st.obj.metadata['namespace'] as string;
    const spec = (st.obj['spec'] ?? {}) as Record<string, unknown>;
    const fail = (reason: string, message: string, phase = 'Failed') => {
      st.obj.status = {
        phase,
        message,
        conditions: [cond('Ready', false, reason, message)],
        readyReplicas: 0,
      };
    };
    if (s.workloads.get(name)?.status === 'running') continue;
    const refs: Stored[] = [st];
    const oidcRef = (spec['oidcConfigRef'] as { name?: string } | undefined)?.name;
    const extRef = (spec['externalAuthConfigRef'] as { name?: string } | undefined)?.name;
    const oidc = oidcRef ? s.objects.get(keyOf('MCPOIDCConfig', ns, oidcRef)) : undefined;
    const ext = extRef ? s.objects.get(keyOf('MCPExternalAuthConfig', ns, extRef)) : undefined;
    if (oidcRef && !oidc) {
      fail(
        'OIDCConfigNotFound',
        `MCPOIDCConfig ${oidcRef} not found in namespace ${ns}`,
        'Pending',
      );
      continue;
    }
    if (extRef && !ext) {
      fail(
        'ExternalAuthConfigNotFound',
        `MCPExternalAuthConfig ${extRef} not found in namespace ${ns}`,
        'Pending',
      );
      continue;
    }
    if (oidc) refs.push(oidc);
    if (ext) {
      refs.push(ext);
      const te = ((ext.obj['spec'] as Record<string, unknown>)['tokenExchange'] ?? {}) as Record<
        string,
        unknown
      >;
      const sref = te['clientSecretRef'] as { name: string; key: string } | undefined;
      if (sref) {
        const secret = s.objects.get(keyOf('Secret', ns, sref.name));
        const data = {
          ...((secret?.obj['data'] ?? {}) as object),
          ...((secret?.obj['stringData'] ?? {}) as object),
        };
        if (!secret) {
          fail(
            'SecretNotFound',
            `failed to create RunConfig: secret ${sref.name} not found in namespace ${ns}`,
          );
          continue;
        }
        if (!(sref.key in data)) {
          fail(
            'SecretKeyNotFound',
            `failed to create RunConfig: secret ${sref.name} has no key ${sref.key}`,
          );
          continue;
        }
        refs.push(secret);
      }
    }
    // the server reads its token where its image is told to (the MCPServer's env), as in the
    // live tier; externalTokenHeaderName only tells the proxy where to write
    const tokenHeader = ((spec['env'] ?? []) as { name?: string; value?: string }[]).find(
      (e) => e.name === TOKEN_HEADER_ENV,
    )?.value;
    const proxyPort = Number(spec['proxyPort'] ?? 8080);
    ensureProxyService(s, st, ns, proxyPort);
    const image = String(spec['image'] ?? '');
    if (!ctx.plan.images[image]) {
      fail(
        'ImagePullBackOff',
        `image ${image} is not mapped to the example MCP server in the page's plan`,
      );
      continue;
    }
    const file = path.join(ctx.workspace, '.doctest', `k8s-${name}.yaml`);
    await writeFile(
      file,
      refs.map((r) => stringify({ ...r.obj, status: undefined })).join('---\n'),
    );
    try {
      const w = await startWorkload(ctx, {
        name,
        image,
        port: proxyPort,
        transport: String(spec['transport'] ?? 'stdio'),
        proxyArgs: [
          '--manifests',
          file,
          ...(ctx.plan.mode === 'toolhive' ? ['--compat', 'toolhive'] : []),
        ],
        expose: false,
        ...(tokenHeader ? { tokenHeader } : {}),
      });
      s.workloads.set(name, w);
      st.obj.status = {
        phase: 'Ready',
        url: `http://${proxyServiceName(name)}.${ns}.svc.cluster.local:${proxyPort}/mcp`,
        readyReplicas: 1,
        conditions: [cond('Ready', true, 'DeploymentReady', 'the proxy deployment is ready')],
        observedGeneration: 1,
      };
    } catch (e) {
      fail(
        'DeploymentFailed',
        `proxy container toolhive is in CrashLoopBackOff: ${(e as Error).message}`,
      );
    }
  }
}
