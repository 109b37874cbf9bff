import type { ReactNode } from 'react';
import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import Heading from '@theme/Heading';
import styles from './index.module.css';

const guides = [
  {
    to: '/toolhive/concepts/backend-auth',
    title: 'Backend authentication',
    text: 'How an MCP server reaches a backend API on behalf of the user, and where token exchange fits.',
  },
  {
    to: '/toolhive/guides-cli/token-exchange',
    title: 'Token exchange with the CLI',
    text: 'Run an MCP server with thv run so that each request carries a token for the backend.',
  },
  {
    to: '/toolhive/guides-k8s/token-exchange-k8s',
    title: 'Token exchange on Kubernetes',
    text: 'Describe the same set-up with MCPServer, MCPOIDCConfig and MCPExternalAuthConfig resources.',
  },
  {
    to: '/toolhive/reference/token-exchange-proxy',
    title: 'Reference proxy and mock IdP',
    text: 'Run the proxy and identity provider that verify these pages on your own machine.',
  },
];

export default function Home(): ReactNode {
  return (
    <Layout
      title="Verified token-exchange guides"
      description="ToolHive guides for OAuth 2.0 token exchange (RFC 8693). Every code sample is executed against a reference proxy and a mock identity provider before the site is built."
    >
      <main className={styles.main}>
        <Heading as="h1">ToolHive token exchange, verified</Heading>
        <p className={styles.lead}>
          These guides show how ToolHive swaps the token a client sends for a token your backend API
          accepts, using OAuth 2.0 token exchange (RFC 8693). Every command, manifest and claims
          example on them ran against a reference proxy and a mock identity provider before this
          site was built. Each code block says whether it was verified.
        </p>
        <ul className={styles.grid}>
          {guides.map((g) => (
            <li key={g.to} className={styles.card}>
              <Link to={g.to} className={styles.cardLink}>
                <Heading as="h2" className={styles.cardTitle}>
                  {g.title}
                </Heading>
                <p>{g.text}</p>
              </Link>
            </li>
          ))}
        </ul>
      </main>
    </Layout>
  );
}
