// The ToolHive release the guides are written for, rendered from the project's
// one constant, toolhive-release.json, so no page repeats the version string.
//   <ToolHiveRelease />        → "ToolHive v0.44.0", linked to its release notes
//   <ToolHiveRelease chart />  → the operator Helm chart version, "0.44.0"
import type { ReactNode } from 'react';
import release from '@site/toolhive-release.json';

export function ToolHiveRelease({ chart = false }: { chart?: boolean }): ReactNode {
  if (chart) return <code data-toolhive-release="operatorChart">{release.operatorChart}</code>;
  return (
    <a href={release.releaseUrl} data-toolhive-release="toolhive">
      ToolHive {release.toolhive}
    </a>
  );
}
