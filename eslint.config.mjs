// ESLint 9 flat config: TypeScript (type-aware for project code), MDX pages,
// and Prettier last so that formatting is Prettier's job alone.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import * as mdx from 'eslint-plugin-mdx';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'build/',
      '.docusaurus/',
      'reports/',
      'test-results/',
      'playwright-report/',
      '.vercel/',
    ],
  },
  js.configs.recommended,
  {
    files: ['**/*.{ts,tsx,mts}'],
    extends: [...tseslint.configs.strict],
    languageOptions: {
      globals: { ...globals.node, ...globals.browser },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    ...mdx.flat,
    files: ['**/*.mdx'],
    rules: {
      ...mdx.flat.rules,
      // Core no-unused-vars cannot see JSX usage (`<ConfigureIdp />`); the MDX
      // compiler in `docusaurus build` already fails on an unresolved component.
      'no-unused-vars': 'off',
    },
  },
  prettier,
);
