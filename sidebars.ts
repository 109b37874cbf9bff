import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  toolhive: [
    {
      type: 'category',
      label: 'Concepts',
      collapsed: false,
      items: ['toolhive/concepts/backend-auth'],
    },
    {
      type: 'category',
      label: 'Guides: ToolHive CLI',
      collapsed: false,
      items: ['toolhive/guides-cli/token-exchange'],
    },
    {
      type: 'category',
      label: 'Guides: Kubernetes operator',
      collapsed: false,
      items: ['toolhive/guides-k8s/token-exchange-k8s'],
    },
    {
      type: 'category',
      label: 'Troubleshooting',
      collapsed: false,
      items: ['toolhive/troubleshooting/token-exchange'],
    },
    {
      type: 'category',
      label: 'Reference',
      collapsed: false,
      items: [
        'toolhive/reference/token-exchange-settings',
        'toolhive/reference/token-exchange-proxy',
      ],
    },
  ],
};

export default sidebars;
